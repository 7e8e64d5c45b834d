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

// TestTempHasTargetDACLBeforeData: a target whose protected DACL grants only its owner gives the
// temp file that DACL before the first byte is written (checked from inside the write), and the
// replaced file keeps it.
func TestTempHasTargetDACLBeforeData(t *testing.T) {
	target := filepath.Join(t.TempDir(), "state.json")
	writeRaw(t, target, []byte("old"), 0o644)
	sd, err := windows.SecurityDescriptorFromString("D:P(A;;FA;;;OW)(A;;FA;;;SY)")
	if err != nil {
		t.Fatal(err)
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		t.Fatal(err)
	}
	if err := windows.SetNamedSecurityInfo(target, windows.SE_FILE_OBJECT,
		windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION, nil, nil, dacl, nil); err != nil {
		t.Fatal(err)
	}
	want := daclString(t, target)
	checked := false
	withOps(t, func(o *fileOps) {
		o.write = func(f *os.File, p []byte) (int, error) {
			if got := daclString(t, f.Name()); got != want {
				t.Errorf("temp file's DACL while writing: %s, want the target's %s", got, want)
			}
			checked = true
			return f.Write(p)
		}
	})
	if err := WriteFile(target, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if !checked {
		t.Fatal("no write reached the seam")
	}
	if got := daclString(t, target); got != want {
		t.Errorf("replaced file's DACL %s, want %s", got, want)
	}
}

func daclString(t *testing.T, path string) string {
	t.Helper()
	sd, err := windows.GetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		t.Fatal(err)
	}
	return sd.String()
}
