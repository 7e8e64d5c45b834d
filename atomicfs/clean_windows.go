//go:build windows

package atomicfs

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/windows"
)

// removeIdleTemp removes the temp file path if it was modified before cutoff and no writer has it
// open: Windows refuses to remove a file open without FILE_SHARE_DELETE, as a writer's temp file
// is until just before its rename.
func removeIdleTemp(path string, cutoff time.Time) (bool, error) {
	fi, err := os.Lstat(path)
	if err != nil || !fi.Mode().IsRegular() || !modifiedBefore(fi, cutoff) {
		return false, err
	}
	err = os.Remove(path)
	if errors.Is(err, windows.ERROR_SHARING_VIOLATION) {
		return false, nil // a write in flight
	}
	return err == nil, err
}
