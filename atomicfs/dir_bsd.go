//go:build unix && !linux

package atomicfs

import (
	"os"

	"golang.org/x/sys/unix"
)

// openSearchOnly opens a directory the process may search but not read with O_SEARCH (POSIX;
// FreeBSD, and macOS since 13), enough to create, rename and remove entries relative to it, as
// os.WriteFile may in such a directory. A system that does not know O_SEARCH refuses the open,
// and the write fails with EACCES. This is not run by this repository's tests, which run on Linux.
func openSearchOnly(atfd int, path string) (int, error) {
	var fd int
	err := ignoringEINTR(func() error {
		var err error
		fd, err = unix.Openat(atfd, path, unix.O_SEARCH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		return err
	})
	return fd, err
}

// syncUnreadableDir fsyncs a directory opened with O_SEARCH, which these systems allow on any
// open descriptor; f is not needed.
func syncUnreadableDir(d *directory, f *os.File) error { return fsyncDirFD(d.fd) }

// refuseFrozenDir has nothing to ask here: the flags of these systems (chflags) are not read.
func refuseFrozenDir(d *directory) error { return nil }
