//go:build unix

package atomicfs

import (
	"errors"
	"os"
	"syscall"
	"time"
)

// removeIdleTemp removes the temp file path if no writer holds its lock and it was modified
// before cutoff. It locks the file itself first (so that a writer that created it but has not
// locked it yet finds it locked and starts over with another temp file), and removes it only if
// path still names the file it locked.
func removeIdleTemp(path string, cutoff time.Time) (bool, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if errors.Is(err, syscall.ELOOP) {
		return false, nil // a symbolic link put there meanwhile: not ours
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	locked, err := f.Stat()
	if err != nil || !locked.Mode().IsRegular() {
		return false, err
	}
	err = ignoringEINTR(func() error { return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) })
	if err == syscall.EWOULDBLOCK {
		return false, nil // a write in flight
	}
	// Any other error: a file system without flock. Only the age can tell then.
	if !modifiedBefore(locked, cutoff) {
		return false, nil
	}
	now, err := os.Lstat(path)
	if err != nil || !os.SameFile(locked, now) {
		return false, err
	}
	if err := os.Remove(path); err != nil {
		return false, err
	}
	return true, nil
}
