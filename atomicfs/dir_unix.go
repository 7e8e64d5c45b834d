//go:build unix

package atomicfs

import (
	"io/fs"
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
