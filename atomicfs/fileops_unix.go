//go:build unix

package atomicfs

import (
	"io/fs"
	"os"
	"syscall"
)

// openDir opens dir read-only, for fsync.
func openDir(dir string) (int, error) {
	var fd int
	err := ignoringEINTR(func() error {
		var err error
		fd, err = syscall.Open(dir, syscall.O_RDONLY|syscall.O_CLOEXEC|syscall.O_DIRECTORY, 0)
		return err
	})
	if err != nil {
		return -1, &fs.PathError{Op: "open", Path: dir, Err: err}
	}
	return fd, nil
}

// ignoringEINTR retries fn while it is interrupted by a signal, as the os package does.
func ignoringEINTR(fn func() error) error {
	for {
		err := fn()
		if err != syscall.EINTR {
			return err
		}
	}
}

// rename is rename(2), which replaces newpath atomically. It skips the Lstat of newpath that
// os.Rename makes to refuse replacing a directory: resolve has already refused that.
func rename(oldpath, newpath string) error {
	err := ignoringEINTR(func() error { return syscall.Rename(oldpath, newpath) })
	if err != nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	return nil
}
