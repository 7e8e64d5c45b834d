package atomicfs

import (
	"errors"
	"io/fs"
	"os"
)

// ErrVerify is matched (errors.Is) by the error of a write whose data, read back from the temp file
// after the fsync, differs from what was written. The target is left untouched.
var ErrVerify = errors.New("read-back verification failed")

// ErrLockTimeout is matched (errors.Is) by the error of an Update or UpdateJSON that gave up
// waiting for the lock, because the WithLockTimeout limit passed or the WithContext context was
// done; in the latter case the error also matches the context's error (context.Canceled or
// context.DeadlineExceeded). Nothing was read or written.
var ErrLockTimeout = errors.New("timed out waiting for the lock")

// ErrNotRegular is matched (errors.Is) by the error of a write whose target exists but is not a
// regular file (a device such as /dev/null, a FIFO, a socket): it cannot be replaced atomically,
// and replacing it with a regular file would destroy it, so nothing is written. A directory gives
// EISDIR instead, as with os.WriteFile.
var ErrNotRegular = errors.New("not a regular file")

// opError is the error every call returns: the step that failed and the target as the caller
// named it, wrapping the cause. The cause is always an *fs.PathError (naming the file the
// operating system call worked on: the target, the temp file, the directory or the lock file),
// so errors.As finds it and errors.Is sees its errno.
type opError struct {
	step string
	name string
	err  error
}

func (e *opError) Error() string {
	cause := e.err.Error()
	// The PathError repeats a path (often the temp file's, which no longer exists); the step and
	// the target already say where, so only its cause is shown. errors.As still finds it.
	if pe, ok := e.err.(*fs.PathError); ok {
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
