//go:build windows

package atomicfs

import (
	"io/fs"
	"os"
)

// keepOwner does nothing on Windows, where files have ACLs, not a Unix owner and group.
func keepOwner(f *os.File, fi fs.FileInfo) error { return nil }
