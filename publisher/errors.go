package publisher

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/atomicjson/atomicjson/atomicfs"
)

// Code classifies a failure. Codes are stable strings: they are recorded in the topic index and
// counted by code in the publish metrics.
type Code string

// The error codes a Store reports.
const (
	CodeInvalidPost  Code = "invalid_post"  // the post failed validation; nothing was written
	CodeIndexCorrupt Code = "index_corrupt" // the content index does not parse; run Recover or Repair
	CodeNotFound     Code = "not_found"     // no post with that slug
	CodeLockTimeout  Code = "lock_timeout"  // a cross-process lock was not acquired in time
	CodeCanceled     Code = "canceled"      // the context was canceled or its deadline passed
	CodeTopicIndex   Code = "topic_index"   // the topic index could not be read or updated
	CodeMetrics      Code = "metrics"       // a metrics file could not be read or updated
	CodeIO           Code = "io"            // any other file-system failure
)

// Sentinel errors callers can branch on with errors.Is.
var (
	// ErrNotFound means no post with the given slug is published.
	ErrNotFound = errors.New("post not found")
	// ErrIndexCorrupt means the content index exists but is not a valid index.
	ErrIndexCorrupt = errors.New("content index is corrupt")
)

// Error is the error every Store operation returns for a failure that is not a *ValidationError.
// It names the operation, the post (when there is one) and a Code, and wraps the cause.
type Error struct {
	Op   string // "publish", "unpublish", "rebuild", ...
	Slug string // the post concerned, if any
	Code Code
	Err  error
}

// Error renders the operation, the post and the cause on one line.
func (e *Error) Error() string {
	if e.Slug != "" {
		return fmt.Sprintf("publisher: %s %s: %v", e.Op, e.Slug, e.Err)
	}
	return fmt.Sprintf("publisher: %s: %v", e.Op, e.Err)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// ValidationError reports a post that cannot be published. Field names the offending JSON field
// ("slug", "title", ...), or "post" for a problem with the document as a whole.
type ValidationError struct {
	Field  string
	Reason string
}

// Error renders the field and the reason: "invalid post: slug: ...".
func (e *ValidationError) Error() string {
	return fmt.Sprintf("invalid post: %s: %s", e.Field, e.Reason)
}

// CodeOf classifies err. It returns "" for a nil error.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	return classify(err)
}

// classify derives a Code from a cause that is not yet wrapped in an *Error.
func classify(err error) Code {
	var ve *ValidationError
	var pe *Error
	switch {
	case errors.As(err, &ve):
		return CodeInvalidPost
	case errors.As(err, &pe):
		return pe.Code
	case errors.Is(err, ErrIndexCorrupt):
		return CodeIndexCorrupt
	case errors.Is(err, ErrNotFound):
		return CodeNotFound
	case isCanceled(err):
		// Before the lock timeout: atomicfs reports a wait the caller's context ended as a lock
		// timeout too, but the caller gave up, the lock was not too slow.
		return CodeCanceled
	case errors.Is(err, atomicfs.ErrLockTimeout):
		return CodeLockTimeout
	}
	return CodeIO
}

func isCanceled(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// wrap turns err into an *Error for op, classifying it unless it already carries a code.
func wrap(op, slug string, err error) error {
	if err == nil {
		return nil
	}
	var ve *ValidationError
	var pe *Error
	if errors.As(err, &ve) || errors.As(err, &pe) {
		return err
	}
	if errors.Is(err, ErrNotFound) {
		err = ErrNotFound // the path of the index it was looked up in is noise
	}
	return &Error{Op: op, Slug: slug, Code: classify(err), Err: err}
}

// fileError is the failure of one step on one file of the root. It names that file and that step
// only, with the operating system's reason, however deep in a locked section it happened: the
// locks held around it are not what failed.
type fileError struct {
	Path string // relative to the root
	Step string // "quarantine: copy", "read", ...
	Err  error
}

// Error renders "path: step: reason".
func (e *fileError) Error() string {
	cause := e.Err.Error()
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(e.Err, &pe):
		cause = pe.Err.Error()
	case errors.As(e.Err, &le):
		cause = le.Err.Error()
	}
	return e.Path + ": " + e.Step + ": " + cause
}

// Unwrap returns the cause.
func (e *fileError) Unwrap() error { return e.Err }
