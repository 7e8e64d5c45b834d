//go:build unix

package atomicfs

import (
	"io/fs"

	"golang.org/x/sys/unix"
)

// checkWritable refuses an existing target that the process may not write, as os.WriteFile
// (which opens it for writing) would: a writable directory would let the rename replace a file
// its mode protects. It asks the kernel (faccessat with the effective IDs), so ACLs and root's
// privileges count as they would for open.
func checkWritable(path string) error {
	err := ignoringEINTR(func() error { return unix.Faccessat(unix.AT_FDCWD, path, unix.W_OK, unix.AT_EACCESS) })
	if err != nil {
		return &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return nil
}
