package atomicfs

import (
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// searchOnly opens a directory the process may search but not read: O_PATH gives a descriptor
// enough to create, rename and remove entries relative to it, as os.WriteFile may there.
const searchOnly = unix.O_PATH

// syncUnreadableDir makes the entries of a directory that cannot be opened for fsync durable by
// flushing its whole file system (syncfs) through f, a file in it; without such a file (a removal,
// a new directory) by flushing every file system (sync). Slower than a directory fsync, but the
// only way there is: an O_PATH descriptor can be neither fsynced nor syncfs'ed.
func syncUnreadableDir(d *directory, f *os.File) error {
	if f == nil {
		unix.Sync()
		return nil
	}
	return ignoringEINTR(func() error { return unix.Syncfs(int(f.Fd())) })
}

// refuseFrozenDir refuses a directory whose inode flags forbid what a replacement does there:
// append-only (names may be added, never replaced or removed, so the rename would fail with the
// temp file stuck beside the target) and immutable. It answers before anything is created, with
// the EPERM the rename would get. A directory open search-only cannot be asked (the ioctl needs a
// readable descriptor): the write's own steps will say.
func refuseFrozenDir(d *directory) error {
	if d.pathOnly {
		return nil
	}
	flags, err := unix.IoctlGetUint32(d.fd, unix.FS_IOC_GETFLAGS)
	if err != nil || flags&(fsAppendFL|fsImmutableFL) == 0 {
		return nil
	}
	return &fs.PathError{Op: "open", Path: d.path, Err: unix.EPERM}
}

// The inode flags of chattr +a and +i (linux/fs.h).
const (
	fsImmutableFL = 0x10
	fsAppendFL    = 0x20
)

// fsyncDirFD fsyncs an open directory.
func fsyncDirFD(fd int) error {
	return ignoringEINTR(func() error { return unix.Fsync(fd) })
}
