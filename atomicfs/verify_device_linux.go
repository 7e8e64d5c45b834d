package atomicfs

import (
	"os"

	"golang.org/x/sys/unix"
)

// deviceVerifySupported reports whether WithDeviceVerify can make the read-back come from the
// storage on this platform.
const deviceVerifySupported = true

// dropCachedPages asks the kernel to drop the page cache of f, so that the next reads go to the
// file system's storage. After an fsync the pages are clean, and clean pages that no process
// has mapped or locked are dropped (the temp file is this writer's own; nobody maps it).
func dropCachedPages(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var adviceErr error
	if err := rc.Control(func(fd uintptr) {
		adviceErr = unix.Fadvise(int(fd), 0, 0, unix.FADV_DONTNEED)
	}); err != nil {
		return err
	}
	if adviceErr != nil {
		return os.NewSyscallError("fadvise", adviceErr)
	}
	return nil
}
