//go:build windows

package atomicfs

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// keepMetadata gives the temp file the target's DACL before the first data byte is written, so
// that nobody the target's DACL shuts out can open the temp file (which otherwise has the DACL
// it inherits from the directory) and read the new content. A protected DACL is set as it is;
// an unprotected one is set unprotected, so that its inherited entries come from the directory
// the two files share, as the target's do. The rename (ReplaceFileW) then carries over the rest:
// attributes, streams, creation time, and the DACL once more. A target whose DACL cannot be read
// (a file system without security descriptors, such as FAT) has none to keep. The owner is not
// copied (setting another owner needs the restore privilege), nor does ReplaceFileW carry it
// over: the new file belongs to the writer.
//
// Built and vetted for Windows, not run by this repository's tests (CI runs Linux).
func keepMetadata(t *target, tmp *os.File) (step string, err error) {
	path := t.dir.join(t.base)
	sd, err := windows.GetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		return "", nil
	}
	dacl, _, err := sd.DACL()
	if errors.Is(err, windows.ERROR_OBJECT_NOT_FOUND) {
		return "", nil
	}
	if err != nil {
		return "read the ACL of", &os.PathError{Op: "GetSecurityDescriptorDacl", Path: path, Err: err}
	}
	control, _, err := sd.Control()
	if err != nil {
		return "read the ACL of", &os.PathError{Op: "GetSecurityDescriptorControl", Path: path, Err: err}
	}
	info := windows.SECURITY_INFORMATION(windows.DACL_SECURITY_INFORMATION | windows.UNPROTECTED_DACL_SECURITY_INFORMATION)
	if control&windows.SE_DACL_PROTECTED != 0 {
		info = windows.DACL_SECURITY_INFORMATION | windows.PROTECTED_DACL_SECURITY_INFORMATION
	}
	if err := windows.SetNamedSecurityInfo(tmp.Name(), windows.SE_FILE_OBJECT, info, nil, nil, dacl, nil); err != nil {
		return "copy the ACL to", &os.PathError{Op: "SetNamedSecurityInfo", Path: tmp.Name(), Err: err}
	}
	return "", nil
}
