//go:build windows

package atomicfs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

// procReplaceFileW is kernel32's ReplaceFileW, which golang.org/x/sys/windows does not wrap.
var procReplaceFileW = windows.NewLazySystemDLL("kernel32.dll").NewProc("ReplaceFileW")

// rename makes oldpath, the closed temp file, the file newpath. An existing newpath is replaced
// with ReplaceFileW, so that the file keeps most of what os.WriteFile (rewriting it in place)
// keeps: by ReplaceFileW's documentation its DACL, security resource attributes, creation time,
// short name, object ID, encryption, compression and the named streams the new file does not
// have, and its file attributes, which it merges. Not its owner: the new file is the writer's.
// ReplaceFileW does not write through, so the replaced file is then flushed (FlushFileBuffers:
// the file's data and pending metadata, its new name included, and the drive's cache; see the
// package documentation for what that leaves unproven). A new newpath is created by MoveFileEx
// with MOVEFILE_REPLACE_EXISTING|MOVEFILE_WRITE_THROUGH.
//
// The old file is moved to a backup name (the shape of a temp file, so that CleanTemps removes
// one left by a crash) and then deleted: without a backup name, ReplaceFileW can fail having
// already removed the old file (ERROR_UNABLE_TO_MOVE_REPLACEMENT) or moved it to a name of its
// own choosing (ERROR_UNABLE_TO_MOVE_REPLACEMENT_2); with one, the first leaves both files as they
// were and the second leaves the old file at the backup name, from which it is moved back.
//
// This code is built and vetted for Windows but not run by the tests of this repository, which
// run on Linux; the retries around it are (see retryPolicy).
func rename(oldpath, newpath string) error {
	linkErr := func(err error) error { return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err} }
	from, err := windows.UTF16PtrFromString(oldpath)
	if err != nil {
		return linkErr(err)
	}
	to, err := windows.UTF16PtrFromString(newpath)
	if err != nil {
		return linkErr(err)
	}
	backupPath := filepath.Join(filepath.Dir(newpath), tempPrefix(filepath.Base(newpath))+randomSuffix())
	backup, err := windows.UTF16PtrFromString(backupPath)
	if err != nil {
		return linkErr(err)
	}
	switch err := replaceFile(to, from, backup); {
	case err == nil:
		// A reader that opened the new file without FILE_SHARE_WRITE in the meantime keeps the
		// flush's open out for as long as it holds it: retried like the replacement.
		flushErr := retries.do(func() error { return flushFile(to) })
		// The backup is the old file; a reader that had it open with FILE_SHARE_DELETE keeps
		// reading it until it closes it. A failed delete leaves a temp-shaped name for CleanTemps.
		windows.DeleteFile(backup)
		if flushErr != nil {
			return linkErr(&replacedNotFlushedError{flushErr})
		}
		return nil
	case errors.Is(err, windows.ERROR_FILE_NOT_FOUND),
		// Some file systems (FAT, some network redirectors) do not implement ReplaceFileW. On
		// FAT a file has no ACL or streams to keep; on a redirector the move loses what
		// ReplaceFileW would have kept, as the README's drop-in differences table says.
		errors.Is(err, windows.ERROR_NOT_SUPPORTED), errors.Is(err, windows.ERROR_INVALID_FUNCTION):
		// No file to replace (or none that ReplaceFileW can): a plain move, replacing whatever
		// another writer may have created meanwhile, as a rename does on Unix.
		if err := windows.MoveFileEx(from, to, windows.MOVEFILE_REPLACE_EXISTING|windows.MOVEFILE_WRITE_THROUGH); err != nil {
			return linkErr(err)
		}
		return nil
	case errors.Is(err, windows.ERROR_UNABLE_TO_MOVE_REPLACEMENT_2):
		// The old file is at the backup name, the new one still at oldpath: put the old one back.
		// Without MOVEFILE_REPLACE_EXISTING, so that a file another writer created at newpath
		// meanwhile is not overwritten with older content.
		if rerr := windows.MoveFileEx(backup, to, windows.MOVEFILE_WRITE_THROUGH); rerr != nil {
			return linkErr(fmt.Errorf("%w; the old content could not be moved back and is in %s: %v", err, backupPath, rerr))
		}
		return linkErr(err)
	default:
		// Every other failure, ERROR_UNABLE_TO_MOVE_REPLACEMENT included (a backup name was
		// given), leaves both files under their own names.
		return linkErr(err)
	}
}

// replaceFile calls ReplaceFileW(replaced, replacement, backup) without flags: a failure to keep
// the replaced file's ACLs or attributes is an error, not silently ignored
// (REPLACEFILE_IGNORE_MERGE_ERRORS, REPLACEFILE_IGNORE_ACL_ERRORS are not passed).
func replaceFile(replaced, replacement, backup *uint16) error {
	r, _, err := procReplaceFileW.Call(
		uintptr(unsafe.Pointer(replaced)),
		uintptr(unsafe.Pointer(replacement)),
		uintptr(unsafe.Pointer(backup)),
		0, 0, 0)
	if r != 0 {
		return nil
	}
	if errno, ok := err.(syscall.Errno); !ok || errno == 0 {
		return syscall.EINVAL
	}
	return err
}

// flushFile opens name and flushes it (FlushFileBuffers needs a handle with write access).
// Sharing everything, so that it never stands in a reader's way.
func flushFile(name *uint16) error {
	h, err := windows.CreateFile(name, windows.GENERIC_WRITE,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE,
		nil, windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		return err
	}
	defer windows.CloseHandle(h)
	return windows.FlushFileBuffers(h)
}

// replacedNotFlushedError is the error of a rename that replaced the target but could not flush
// it: the new content is in place but might not survive a power cut, so it matches ErrDirSync,
// like a failed directory fsync after a rename on Unix. It is never retried (the replacement is
// done; a second attempt would find no temp file).
type replacedNotFlushedError struct{ err error }

func (e *replacedNotFlushedError) Error() string {
	return "replaced, but flushing the new file failed, so it might not survive a power cut: " + e.err.Error()
}

func (e *replacedNotFlushedError) Unwrap() []error { return []error{e.err, ErrDirSync} }
