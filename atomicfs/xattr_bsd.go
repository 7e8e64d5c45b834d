//go:build unix && !linux

package atomicfs

import "golang.org/x/sys/unix"

// errNoXattr is the errno of a read of an extended attribute that the file does not have.
const errNoXattr = unix.ENOATTR
