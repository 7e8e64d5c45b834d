package atomicfs

import (
	"errors"
	"io/fs"
	"os"
)

// SkipWrite is returned by the fn of Update or UpdateJSON (also wrapped: errors.Is decides) to
// mean "leave the file as it is": nothing is written, the file is not touched (a missing file
// stays missing), and Update returns nil once the lock is released. Like fs.SkipDir, it is not an
// error of the call.
//
//lint:ignore ST1012 named like fs.SkipDir: a signal to Update, never an error Update returns.
var SkipWrite = errors.New("atomicfs: skip write")

// ErrVerify is matched (errors.Is) by the error of a write whose data, read back from the temp file
// after the fsync, differs from what was written (in length or bytes, or for a File in SHA-256).
// The target is left untouched. The read-back normally comes from the page cache, or from the
// storage under WithDeviceVerify: the package documentation's Verification section says what
// each can see.
var ErrVerify = errors.New("read-back verification failed")

// ErrLockTimeout is matched (errors.Is) by the error of an Update, UpdateJSON or View that gave
// up waiting for the lock because a time limit passed: the WithLockTimeout duration, or the
// deadline of the WithContext context (the error then matches context.DeadlineExceeded too). A
// context cancelled before its deadline is no timeout: that error matches context.Canceled (and
// the context's cause, if any), not ErrLockTimeout. Either way nothing was read or written.
var ErrLockTimeout = errors.New("timed out waiting for the lock")

// ErrNotRegular is matched (errors.Is) by the error of a write whose target exists but is not a
// regular file (a device such as /dev/null, a FIFO, a socket, also reached through a link such as
// /dev/stdout): it cannot be replaced atomically, and replacing it with a regular file would
// destroy it, so nothing is written. So is the error of a write to a file of the kernel's pseudo
// file systems on Linux (/proc, /sys, cgroup, debugfs...), which are interfaces to the kernel that
// no new file can replace. A directory gives EISDIR instead, as with os.WriteFile.
var ErrNotRegular = errors.New("not a regular file")

// ErrDirSync is matched (errors.Is) by the error of a call that made its change — the target
// replaced (WriteFile, WriteJSON, Commit, Update, UpdateJSON), the file renamed (Rename) or
// removed (Remove), the directories created (MkdirAll) — but whose fsync of the
// directory afterwards failed: other processes already see the change, but it may not survive a
// power cut or an OS crash. Writing again (or calling SyncDir) once the cause is fixed makes it
// durable. The error also carries the *fs.PathError of the failed fsync.
var ErrDirSync = errors.New("directory fsync failed after the change: it may not survive a power cut")

// opError is the error every call returns: the step that failed and the target as the caller
// named it, wrapping the cause. Made by fail, the cause is always an *fs.PathError (naming the
// file the operating system call worked on: the target, the temp file, the directory), so
// errors.As finds it and errors.Is sees its errno; only Rename's carries an *os.LinkError.
type opError struct {
	step string
	name string
	err  error
}

func (e *opError) Error() string {
	err := e.err
	if nd, ok := err.(notDurableError); ok {
		err = nd.err
	}
	cause := err.Error()
	// The PathError repeats a path (often the temp file's, which no longer exists); the step and
	// the target already say where, so only its cause is shown. errors.As still finds it.
	switch pe := err.(type) {
	case *fs.PathError:
		cause = pe.Err.Error()
	case *os.LinkError:
		cause = pe.Err.Error()
	}
	return "atomicfs: " + e.step + " " + e.name + ": " + cause
}

func (e *opError) Unwrap() error { return e.err }

// fail returns the error of step on the target name. err is wrapped in an *fs.PathError for path
// unless it holds one; an *os.LinkError (from rename) becomes a PathError on its new name.
func fail(step, name, path string, err error) error {
	var le *os.LinkError
	var pe *fs.PathError
	switch {
	case errors.As(err, &le):
		err = &fs.PathError{Op: le.Op, Path: le.New, Err: le.Err}
	case !errors.As(err, &pe):
		err = &fs.PathError{Op: step, Path: path, Err: err}
	}
	return &opError{step: step, name: name, err: err}
}

// notDurable marks err, the failure of a directory fsync after a change was made in that
// directory, so that the call's error matches ErrDirSync besides err's own chain.
func notDurable(err error) error { return notDurableError{err} }

type notDurableError struct{ err error }

func (e notDurableError) Error() string   { return e.err.Error() }
func (e notDurableError) Unwrap() []error { return []error{e.err, ErrDirSync} }

// withoutDirSyncMark removes the ErrDirSync mark from err, for a call that gives up after a failed
// directory fsync (a write whose new parent directory could not be made durable): its own change
// was never made, so its error must not say that it was.
func withoutDirSyncMark(err error) error {
	if nd, ok := err.(notDurableError); ok {
		return nd.err
	}
	return err
}
