//go:build windows

package atomicfs

import (
	"io/fs"

	"golang.org/x/sys/windows"
)

// checkWritable refuses a read-only file (FILE_ATTRIBUTE_READONLY) with the error os.WriteFile
// gets opening it for writing, ERROR_ACCESS_DENIED. Without it the refusal would come from
// ReplaceFileW, with the same error, after the retries that error gets when another process has
// the file open. Other refusals (an ACL denying write) still come from the rename.
func checkWritable(path string) error {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return &fs.PathError{Op: "open", Path: path, Err: err}
	}
	attrs, err := windows.GetFileAttributes(p)
	if err != nil {
		return nil // the target vanished or cannot be inspected: the write's own steps will say
	}
	if attrs&windows.FILE_ATTRIBUTE_READONLY != 0 {
		return &fs.PathError{Op: "open", Path: path, Err: windows.ERROR_ACCESS_DENIED}
	}
	return nil
}
