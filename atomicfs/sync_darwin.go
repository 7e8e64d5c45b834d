//go:build darwin

package atomicfs

import "golang.org/x/sys/unix"

// fsyncDirFD makes the entries of an open directory durable. On macOS fsync only pushes data to
// the drive, whose cache may still lose it; F_FULLFSYNC (what (*os.File).Sync uses for files)
// flushes the drive. Some file systems refuse F_FULLFSYNC on a directory: then plain fsync is the
// best there is.
func fsyncDirFD(fd int) error {
	err := ignoringEINTR(func() error {
		_, err := unix.FcntlInt(uintptr(fd), unix.F_FULLFSYNC, 0)
		return err
	})
	if err != nil {
		err = ignoringEINTR(func() error { return unix.Fsync(fd) })
	}
	return err
}
