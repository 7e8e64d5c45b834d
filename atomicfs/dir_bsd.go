//go:build unix && !linux

package atomicfs

import (
	"os"

	"golang.org/x/sys/unix"
)

// searchOnly opens a directory the process may search but not read: O_SEARCH (POSIX; FreeBSD,
// and macOS since 13) gives a descriptor for the *at calls and for fsync. A system that does not
// know O_SEARCH refuses the open, and the write fails with EACCES. This is not run by this
// repository's tests, which run on Linux.
const searchOnly = unix.O_SEARCH

// syncUnreadableDir fsyncs a directory opened with O_SEARCH, which these systems allow on any
// open descriptor; f is not needed.
func syncUnreadableDir(d *directory, f *os.File) error { return fsyncDirFD(d.fd) }

// refuseFrozenDir has nothing to ask here: the flags of these systems (chflags) are not read.
func refuseFrozenDir(d *directory) error { return nil }
