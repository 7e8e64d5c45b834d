//go:build unix && !darwin

package atomicfs

import (
	"io/fs"
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
