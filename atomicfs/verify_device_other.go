//go:build !linux

package atomicfs

import (
	"errors"
	"os"
)

// deviceVerifySupported reports whether WithDeviceVerify can make the read-back come from the
// storage on this platform. Not here: macOS's F_NOCACHE and FreeBSD's POSIX_FADV_DONTNEED do not
// evict pages already cached (and ZFS keeps its own cache), and Windows would need a second,
// unbuffered handle; none of them could be shown to read the device, so none is claimed.
const deviceVerifySupported = false

// dropCachedPages is never called where deviceVerifySupported is false: the call is refused
// before it writes anything.
func dropCachedPages(f *os.File) error { return errors.ErrUnsupported }
