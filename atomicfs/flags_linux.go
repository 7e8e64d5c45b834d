package atomicfs

import (
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// copiedFlags are the inode flags (chattr) that a replacement keeps: those any owner may set and
// that describe how the file is stored or backed up — s, u, c, S, d, A, m, t, C. Not the
// immutable (i) and append-only (a) flags: a file that has them cannot be written, so the open
// of the target refused the write with EPERM already, as os.WriteFile's open does.
const copiedFlags = 0x1 | 0x2 | 0x4 | 0x8 | 0x40 | 0x80 | 0x400 | 0x8000 | 0x800000

// copyFlags gives dst the copied inode flags of src, where the file system has inode flags.
// Flags such as no-copy-on-write (C) must be set while the file is still empty: dst is.
func copyFlags(src, dst *os.File) error {
	want, err := unix.IoctlGetUint32(int(src.Fd()), unix.FS_IOC_GETFLAGS)
	if err != nil {
		return nil // no inode flags on this file system
	}
	cur, err := unix.IoctlGetUint32(int(dst.Fd()), unix.FS_IOC_GETFLAGS)
	if err != nil {
		return nil
	}
	next := cur&^copiedFlags | want&copiedFlags
	if next == cur {
		return nil
	}
	switch err := unix.IoctlSetPointerInt(int(dst.Fd()), unix.FS_IOC_SETFLAGS, int(next)); err {
	case nil, unix.EOPNOTSUPP, unix.ENOTTY, unix.EINVAL:
		return nil // a flag this file system does not take for new files
	default:
		return &fs.PathError{Op: "setflags", Path: dst.Name(), Err: err}
	}
}
