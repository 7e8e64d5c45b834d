//go:build unix

package atomicfs

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// replaceRaw renames a new file with data over path, as another updater's commit does.
func replaceRaw(t *testing.T, path string, data []byte) {
	t.Helper()
	tmp := path + ".new"
	writeRaw(t, tmp, data, 0o644)
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// updateInBackground runs an Update of target appending '+' and returns what its fn saw and its
// error, once it is done.
func updateInBackground(target string, opts ...Option) <-chan []byte {
	done := make(chan []byte, 1)
	go func() {
		var saw []byte
		err := Update(target, 0o644, func(old []byte) ([]byte, error) {
			saw = bytes.Clone(old)
			return append(old, '+'), nil
		}, opts...)
		if err != nil {
			saw = []byte("error: " + err.Error())
		}
		done <- saw
	}()
	return done
}

// TestLockFollowsReplacement: an Update that waits on a file which its holder then replaces
// (renaming a new version over it) or removes wakes up on a file no longer at the path; it must
// lock, read and update what the path names now, never the stale file.
func TestLockFollowsReplacement(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []Option
	}{
		{"blocking", nil},
		{"polling", []Option{WithLockTimeout(10 * time.Second)}},
	} {
		t.Run(tc.name+"/replaced", func(t *testing.T) {
			target := filepath.Join(t.TempDir(), "x")
			writeRaw(t, target, []byte("v1"), 0o644)
			release := holdLock(t, target)
			done := updateInBackground(target, tc.opts...)
			time.Sleep(50 * time.Millisecond) // let it wait on v1
			replaceRaw(t, target, []byte("v2"))
			release()
			if saw := <-done; string(saw) != "v2" {
				t.Errorf("the waiter read %q, want the new version v2", saw)
			}
			wantContent(t, target, []byte("v2+"))
		})
		t.Run(tc.name+"/removed", func(t *testing.T) {
			target := filepath.Join(t.TempDir(), "x")
			writeRaw(t, target, []byte("v1"), 0o644)
			release := holdLock(t, target)
			done := updateInBackground(target, tc.opts...)
			time.Sleep(50 * time.Millisecond)
			if err := os.Remove(target); err != nil {
				t.Fatal(err)
			}
			release()
			if saw := <-done; saw != nil {
				t.Errorf("the waiter read %q, want nil for the removed file", saw)
			}
			wantContent(t, target, []byte("+"))
		})
	}
}

// TestLockCreation: a missing file is created under its directory's lock; a waiter for that lock
// that finds the file created meanwhile updates the file (under its lock) instead of creating it.
func TestLockCreation(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "x")
	release := holdLock(t, target) // the directory's lock: x does not exist
	err := Update(target, 0o644, func(old []byte) ([]byte, error) { return []byte("new"), nil }, WithLockTimeout(30*time.Millisecond))
	wantStepError(t, err, "lock", target)
	if !errors.Is(err, ErrLockTimeout) {
		t.Errorf("got %v, want ErrLockTimeout while the directory is locked", err)
	}

	done := updateInBackground(target)
	time.Sleep(50 * time.Millisecond) // let it wait on the directory
	writeRaw(t, target, []byte("made meanwhile"), 0o644)
	release()
	if saw := <-done; string(saw) != "made meanwhile" {
		t.Errorf("the waiter read %q, want the file created meanwhile", saw)
	}
	wantContent(t, target, []byte("made meanwhile+"))

	// A dangling link: the lock is on the directory of the file it names, which is where the
	// write creates it.
	other := filepath.Join(dir, "other")
	if err := os.Mkdir(other, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink("other/missing", link); err != nil {
		t.Fatal(err)
	}
	holdLock(t, filepath.Join(other, "missing"))
	err = Update(link, 0o644, func(old []byte) ([]byte, error) { return []byte("new"), nil }, WithLockTimeout(30*time.Millisecond))
	if !errors.Is(err, ErrLockTimeout) {
		t.Errorf("through a dangling link: got %v, want ErrLockTimeout while the link target's directory is locked", err)
	}
}

// TestLockThroughLinks: updates through a symbolic link and through a hard link take the lock of
// the file itself.
func TestLockThroughLinks(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "x")
	writeRaw(t, target, []byte("old"), 0o644)
	symlink, hardlink := filepath.Join(dir, "sym"), filepath.Join(dir, "hard")
	if err := os.Symlink("x", symlink); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(target, hardlink); err != nil {
		t.Fatal(err)
	}
	holdLock(t, target)
	for _, name := range []string{symlink, hardlink} {
		err := Update(name, 0o644, func(old []byte) ([]byte, error) { return []byte("new"), nil }, WithLockTimeout(30*time.Millisecond))
		if !errors.Is(err, ErrLockTimeout) {
			t.Errorf("%s: got %v, want ErrLockTimeout while the file is locked", name, err)
		}
	}
	wantContent(t, target, []byte("old"))
}

// TestUpdateNotRegular: Update refuses a FIFO without waiting for a writer to open it, as the
// writes refuse it.
func TestUpdateNotRegular(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	err := Update(fifo, 0o644, func(old []byte) ([]byte, error) { return []byte("x"), nil })
	wantStepError(t, err, "open", fifo)
	if !errors.Is(err, ErrNotRegular) {
		t.Errorf("got %v, want ErrNotRegular", err)
	}
	dir := t.TempDir()
	err = Update(dir, 0o644, func(old []byte) ([]byte, error) { return []byte("x"), nil })
	if !errors.Is(err, syscall.EISDIR) {
		t.Errorf("a directory: got %v, want EISDIR", err)
	}
}

// TestUpdateNestedCreations: an Update (or View) of a missing file inside the fn of another, in
// the same directory, does not wait for itself (the lock of a missing file is on its directory,
// which the process holds once for all its calls); goroutines creating different and equal
// missing files in one directory lose nothing.
func TestUpdateNestedCreations(t *testing.T) {
	dir := t.TempDir()
	a, b, c := filepath.Join(dir, "a"), filepath.Join(dir, "b"), filepath.Join(dir, "c")
	limit := WithLockTimeout(5 * time.Second)
	err := Update(a, 0o644, func([]byte) ([]byte, error) {
		err := Update(b, 0o644, func([]byte) ([]byte, error) {
			return []byte("b"), View(c, func(data []byte) error {
				if data != nil {
					t.Errorf("c holds %q", data)
				}
				return nil
			}, limit)
		}, limit)
		return []byte("a"), err
	}, limit)
	if err != nil {
		t.Fatal(err)
	}
	wantContent(t, a, []byte("a"))
	wantContent(t, b, []byte("b"))

	// Two goroutines per name, each name missing until the first of them creates it.
	var wg sync.WaitGroup
	const names, each = 4, 10
	for g := range 2 * names {
		wg.Go(func() {
			for i := range each {
				target := filepath.Join(dir, fmt.Sprintf("n%d-%d.json", g%names, i))
				if err := UpdateJSON(target, 0o644, func(c *counter) error { c.N++; return nil }, WithoutSync()); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	for n := range names {
		for i := range each {
			wantContent(t, filepath.Join(dir, fmt.Sprintf("n%d-%d.json", n, i)), []byte(`{"n":2}`+"\n"))
		}
	}
	dirShares.Lock()
	left := len(dirShares.m)
	dirShares.Unlock()
	if left != 0 {
		t.Errorf("%d directory shares left after all calls returned", left)
	}
}
