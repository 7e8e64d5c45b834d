//go:build windows

package atomicfs

import (
	"errors"
	"syscall"

	"golang.org/x/sys/windows"
)

// isTransient reports whether err may pass by waiting: another process has the file open
// without sharing delete access (ERROR_SHARING_VIOLATION; ERROR_ACCESS_DENIED, which Windows
// also returns for a file whose deletion is pending), holds a byte-range lock on it
// (ERROR_LOCK_VIOLATION), or kept ReplaceFileW from removing the file it replaces
// (ERROR_UNABLE_TO_REMOVE_REPLACED, both files unchanged). A read-only target never gets here:
// the target is opened for writing before anything else (as os.WriteFile opens it), and that
// open refuses it at once. Errors that never
// pass (a missing file, a full disk) are not retried.
func isTransient(err error) bool {
	if _, ok := errors.AsType[*replacedNotFlushedError](err); ok {
		return false // the replacement is done: retrying it would find no temp file
	}
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return false
	}
	switch errno {
	case windows.ERROR_ACCESS_DENIED,
		windows.ERROR_SHARING_VIOLATION,
		windows.ERROR_LOCK_VIOLATION,
		windows.ERROR_UNABLE_TO_REMOVE_REPLACED:
		return true
	}
	return false
}
