//go:build unix && !darwin

package atomicfs

import (
	"io/fs"
	"os"
	"syscall"
)

// syncDir fsyncs the directory dir, making the entries created, renamed or removed in it durable.
// It uses raw system calls: a directory needs no *os.File, and this runs on every write.
func syncDir(dir string) error {
	fd, err := openDir(dir)
	if err != nil {
		return err
	}
	err = ignoringEINTR(func() error { return syscall.Fsync(fd) })
	syscall.Close(fd)
	if err != nil {
		return &fs.PathError{Op: "fsync", Path: dir, Err: err}
	}
	return nil
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
