package atomicfs

import (
	"os"

	"golang.org/x/sys/unix"
)

// openSearchOnly opens a directory the process may search but not read, with O_PATH: enough to
// create, rename and remove entries relative to it, as os.WriteFile may in such a directory.
func openSearchOnly(atfd int, path string) (int, error) {
	var fd int
	err := ignoringEINTR(func() error {
		var err error
		fd, err = unix.Openat(atfd, path, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		return err
	})
	return fd, err
}

// syncUnreadableDir makes the entries of a directory that cannot be opened for fsync durable by
// flushing its whole file system (syncfs) through f, a file in it: slower than a directory fsync,
// but the only way there is.
func syncUnreadableDir(d *directory, f *os.File) error {
	if f == nil {
		return unix.EACCES
	}
	return ignoringEINTR(func() error { return unix.Syncfs(int(f.Fd())) })
}

// fsyncDirFD fsyncs an open directory.
func fsyncDirFD(fd int) error {
	return ignoringEINTR(func() error { return unix.Fsync(fd) })
}
