//go:build windows

package atomicfs

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/windows"
)

// The tests in this file run only on Windows, which the CI of this repository does not run; they
// are vetted and built for Windows with the rest of the package.

// TestIsTransientWindows: the errors of a file another process holds open are retried, the
// others not.
func TestIsTransientWindows(t *testing.T) {
	cases := []struct {
		err  error
		want bool
	}{
		{windows.ERROR_SHARING_VIOLATION, true},
		{windows.ERROR_ACCESS_DENIED, true},
		{windows.ERROR_LOCK_VIOLATION, true},
		{windows.ERROR_UNABLE_TO_REMOVE_REPLACED, true},
		{windows.ERROR_FILE_NOT_FOUND, false},
		{windows.ERROR_UNABLE_TO_MOVE_REPLACEMENT, false},
		{windows.ERROR_DISK_FULL, false},
		{&replacedNotFlushedError{windows.ERROR_SHARING_VIOLATION}, false},
	}
	for _, c := range cases {
		err := &os.LinkError{Op: "rename", Old: "a", New: "b", Err: c.err}
		if got := isTransient(err); got != c.want {
			t.Errorf("isTransient(%v) = %v, want %v", err, got, c.want)
		}
	}
}

// TestReplaceKeepsAttributes: an existing file replaced by WriteFile keeps its hidden attribute
// (ReplaceFileW merges the replaced file's attributes into the new one).
func TestReplaceKeepsAttributes(t *testing.T) {
	target := filepath.Join(t.TempDir(), "state.json")
	writeRaw(t, target, []byte("old"), 0o644)
	p, _ := windows.UTF16PtrFromString(target)
	if err := windows.SetFileAttributes(p, windows.FILE_ATTRIBUTE_HIDDEN); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(target, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	wantContent(t, target, []byte("new"))
	attrs, err := windows.GetFileAttributes(p)
	if err != nil {
		t.Fatal(err)
	}
	if attrs&windows.FILE_ATTRIBUTE_HIDDEN == 0 {
		t.Errorf("attributes %#x lost FILE_ATTRIBUTE_HIDDEN", attrs)
	}
	wantNoTemps(t, filepath.Dir(target))
}

// TestReplaceReadOnlyRefusedAtOnce: a read-only file is refused with ERROR_ACCESS_DENIED, as by
// os.WriteFile, without retries.
func TestReplaceReadOnlyRefusedAtOnce(t *testing.T) {
	target := filepath.Join(t.TempDir(), "state.json")
	writeRaw(t, target, []byte("old"), 0o444)
	err := WriteFile(target, []byte("new"), 0o644)
	if !errors.Is(err, windows.ERROR_ACCESS_DENIED) {
		t.Fatalf("got %v, want ERROR_ACCESS_DENIED", err)
	}
	if _, ok := errors.AsType[*retriedError](err); ok {
		t.Errorf("error %q: a read-only file was retried", err)
	}
	wantContent(t, target, []byte("old"))
}

// TestReplaceWhileReaderHoldsFile: a reader that opened the target with os.Open (no
// FILE_SHARE_DELETE) makes the replacement wait; when it closes within the retries the write
// succeeds, and when it keeps the file open the write fails (where os.WriteFile would succeed)
// with the sharing error, the old content intact.
func TestReplaceWhileReaderHoldsFile(t *testing.T) {
	target := filepath.Join(t.TempDir(), "state.json")
	writeRaw(t, target, []byte("old"), 0o644)

	r, err := os.Open(target)
	if err != nil {
		t.Fatal(err)
	}
	go func() { time.Sleep(100 * time.Millisecond); r.Close() }()
	if err := WriteFile(target, []byte("new"), 0o644); err != nil {
		t.Fatalf("write with a reader closing after 100ms: %v", err)
	}
	wantContent(t, target, []byte("new"))

	r, err = os.Open(target)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	err = WriteFile(target, []byte("newer"), 0o644)
	var errno syscall.Errno
	if !errors.As(err, &errno) || !isTransient(errno) {
		t.Fatalf("write with a reader holding the file: got %v, want a sharing or access error", err)
	}
	if _, ok := errors.AsType[*retriedError](err); !ok {
		t.Errorf("error %q does not say it was retried", err)
	}
	wantContent(t, target, []byte("new"))
	wantNoTemps(t, filepath.Dir(target))
}
