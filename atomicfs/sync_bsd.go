//go:build unix && !linux && !darwin

package atomicfs

import "golang.org/x/sys/unix"

// fsyncDirFD fsyncs an open directory.
func fsyncDirFD(fd int) error {
	return ignoringEINTR(func() error { return unix.Fsync(fd) })
}
