//go:build windows

package atomicfs

import (
	"os"

	"golang.org/x/sys/windows"
)

// syncDir does nothing on Windows: a directory handle cannot be flushed, and rename's
// MOVEFILE_WRITE_THROUGH already waits until the move is on disk.
func syncDir(dir string) error { return nil }

// rename replaces newpath with oldpath and returns only when the move has been flushed to disk
// (MOVEFILE_WRITE_THROUGH). It does not keep the target's ACLs or attributes: the new file has
// those it was created with.
func rename(oldpath, newpath string) error {
	from, err := windows.UTF16PtrFromString(oldpath)
	if err != nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	to, err := windows.UTF16PtrFromString(newpath)
	if err != nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	if err := windows.MoveFileEx(from, to, windows.MOVEFILE_REPLACE_EXISTING|windows.MOVEFILE_WRITE_THROUGH); err != nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	return nil
}
