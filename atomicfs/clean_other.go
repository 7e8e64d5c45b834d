//go:build !unix && !windows

package atomicfs

import (
	"os"
	"time"
)

// removeIdleTemp removes the temp file path if it was modified before cutoff: without file locks,
// the age is all there is to go by.
func removeIdleTemp(path string, cutoff time.Time) (bool, error) {
	fi, err := os.Lstat(path)
	if err != nil || !fi.Mode().IsRegular() || !modifiedBefore(fi, cutoff) {
		return false, err
	}
	if err := os.Remove(path); err != nil {
		return false, err
	}
	return true, nil
}
