//go:build darwin

package atomicfs

import (
	"io/fs"
	"syscall"

	"golang.org/x/sys/unix"
)

// syncDir makes the entries of dir durable. On macOS fsync only pushes data to the drive, whose
// cache may still lose it; F_FULLFSYNC (what (*os.File).Sync uses for files) flushes the drive.
// Some file systems refuse F_FULLFSYNC on a directory: then plain fsync is the best there is.
func syncDir(dir string) error {
	fd, err := openDir(dir)
	if err != nil {
		return err
	}
	defer syscall.Close(fd)
	err = ignoringEINTR(func() error {
		_, err := unix.FcntlInt(uintptr(fd), unix.F_FULLFSYNC, 0)
		return err
	})
	if err != nil {
		err = ignoringEINTR(func() error { return syscall.Fsync(fd) })
	}
	if err != nil {
		return &fs.PathError{Op: "fsync", Path: dir, Err: err}
	}
	return nil
}
