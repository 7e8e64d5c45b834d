package atomicfs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fakeClock stands in for the time and the sleeps of a retryPolicy, so that a test sees every
// wait and the bound without waiting.
type fakeClock struct {
	t      time.Time
	sleeps []time.Duration
}

func (c *fakeClock) now() time.Time { return c.t }

func (c *fakeClock) sleep(d time.Duration) {
	c.sleeps = append(c.sleeps, d)
	c.t = c.t.Add(d)
}

// withRetries makes the write path's retries treat EBUSY as transient (standing for the errors
// Windows reports for a file another process holds open), on a fake clock, for the rest of the
// test.
func withRetries(t *testing.T) *fakeClock {
	t.Helper()
	saved := retries
	t.Cleanup(func() { retries = saved })
	c := &fakeClock{t: time.Unix(1e9, 0)}
	retries.transient = func(err error) bool { return errors.Is(err, syscall.EBUSY) }
	retries.sleep, retries.now = c.sleep, c.now
	return c
}

// failingRename makes the rename fail with errno for its first n calls (all of them if n < 0),
// each call taking cost on the clock, and then rename for real. It returns the count of calls.
func failingRename(t *testing.T, n int, errno syscall.Errno, c *fakeClock, cost time.Duration) *int {
	calls := new(int)
	withOps(t, func(o *fileOps) {
		o.rename = func(d *directory, oldname, newname string) error {
			*calls++
			c.t = c.t.Add(cost)
			if n < 0 || *calls <= n {
				return &os.LinkError{Op: "rename", Old: d.join(oldname), New: d.join(newname), Err: errno}
			}
			return renameAt(d, oldname, newname)
		}
	})
	return calls
}

// TestRetryTransientRenameThenSuccess: a rename refused a few times with an error the platform
// calls transient (on Windows, a reader holding the target open) is retried until it succeeds,
// with growing, randomized waits, and the write succeeds — for WriteFile and Create/Commit.
func TestRetryTransientRenameThenSuccess(t *testing.T) {
	for _, n := range []int{1, 3, 8} {
		for _, w := range []string{"WriteFile", "Create"} {
			t.Run(w+"/"+strings.Repeat("x", n), func(t *testing.T) {
				dir := t.TempDir()
				target := filepath.Join(dir, "state.json")
				writeRaw(t, target, []byte("old"), 0o644)
				c := withRetries(t)
				calls := failingRename(t, n, syscall.EBUSY, c, 0)

				var err error
				if w == "WriteFile" {
					err = WriteFile(target, []byte("new"), 0o644)
				} else {
					err = createAndCommit(target, []byte("new"))
				}
				if err != nil {
					t.Fatal(err)
				}
				if *calls != n+1 {
					t.Errorf("rename called %d times, want %d (%d refusals, then success)", *calls, n+1, n)
				}
				if len(c.sleeps) != n {
					t.Fatalf("slept %d times, want %d: %v", len(c.sleeps), n, c.sleeps)
				}
				wantBackoff(t, c.sleeps)
				wantContent(t, target, []byte("new"))
				wantNoTemps(t, dir)
			})
		}
	}
}

// wantBackoff checks the waits: the first is firstRetryDelay, each next one is between 1x and 2x
// the one before.
func wantBackoff(t *testing.T, sleeps []time.Duration) {
	t.Helper()
	for i, d := range sleeps {
		if i == 0 {
			if d != firstRetryDelay {
				t.Errorf("first wait %v, want %v", d, firstRetryDelay)
			}
			continue
		}
		if prev := sleeps[i-1]; d < prev || d >= 2*prev {
			t.Errorf("wait %d is %v after %v: want it in [1x, 2x) of the one before", i, d, prev)
		}
	}
}

// TestRetryGivesUpWithinTheBound: a rename that stays refused is retried until the next attempt
// would start more than the limit after the first failure, then the write fails with the last
// error, saying how often and how long it tried; the target keeps its old content and the temp
// file is removed. Each attempt here costs 7 ms of (fake) time, so the bound covers the
// attempts' own time, not only the waits.
func TestRetryGivesUpWithinTheBound(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "state.json")
	writeRaw(t, target, []byte("old"), 0o644)
	c := withRetries(t)
	start := c.t
	const cost = 7 * time.Millisecond
	calls := failingRename(t, -1, syscall.EBUSY, c, cost)

	err := WriteFile(target, []byte("new"), 0o644)

	pe := wantStepError(t, err, "rename", target)
	if !errors.Is(err, syscall.EBUSY) || pe.Path != target {
		t.Errorf("error %q (PathError on %s), want EBUSY on %s", err, pe.Path, target)
	}
	var re *retriedError
	if !errors.As(err, &re) || re.attempts != *calls {
		t.Fatalf("error %q does not record the %d attempts", err, *calls)
	}
	if want := "still failing after"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
	// The first failure ends one attempt after start; no attempt starts later than the limit
	// after it, so the last one ends within limit+cost of it.
	firstFailure := start.Add(cost)
	if spent := c.t.Sub(firstFailure); spent > retries.limit+cost {
		t.Errorf("retried for %v after the first failure, limit %v", spent, retries.limit)
	}
	// And it did not give up early: the next wait (less than twice the last one) would have
	// passed the limit.
	last := c.sleeps[len(c.sleeps)-1]
	if spent := c.t.Sub(firstFailure); spent+2*last <= retries.limit {
		t.Errorf("gave up after %v, though a next wait of less than %v fits in the %v limit", spent, 2*last, retries.limit)
	}
	if *calls < 5 || *calls != len(c.sleeps)+1 {
		t.Errorf("%d attempts and %d waits: want several attempts, one wait between each two", *calls, len(c.sleeps))
	}
	wantBackoff(t, c.sleeps)
	wantContent(t, target, []byte("old"))
	wantNoTemps(t, dir)
}

// TestRetryNotForPermanentErrors: an error the platform does not call transient is returned
// after one attempt, without a wait, and its message is the plain one.
func TestRetryNotForPermanentErrors(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "state.json")
	writeRaw(t, target, []byte("old"), 0o644)
	c := withRetries(t)
	calls := failingRename(t, -1, syscall.EXDEV, c, 0)

	err := WriteFile(target, []byte("new"), 0o644)

	wantStepError(t, err, "rename", target)
	if !errors.Is(err, syscall.EXDEV) {
		t.Errorf("error %q, want EXDEV", err)
	}
	if *calls != 1 || len(c.sleeps) != 0 {
		t.Errorf("rename called %d times with %d waits, want once, no wait", *calls, len(c.sleeps))
	}
	var re *retriedError
	if errors.As(err, &re) || strings.Contains(err.Error(), "attempts") {
		t.Errorf("error %q claims retries", err)
	}
	wantContent(t, target, []byte("old"))
	wantNoTemps(t, dir)
}

// TestNoRetriesOnUnix: with the platform's own classifier, a refused rename on Unix (here EBUSY
// and EACCES, which Windows-like retrying would wait on) is tried exactly once, so the error is
// os.WriteFile's and comes at once.
func TestNoRetriesOnUnix(t *testing.T) {
	if isTransient(&os.LinkError{Err: syscall.EBUSY}) {
		t.Skip("this platform retries transient errors")
	}
	for _, errno := range []syscall.Errno{syscall.EBUSY, syscall.EACCES, syscall.EPERM} {
		t.Run(errno.Error(), func(t *testing.T) {
			dir := t.TempDir()
			target := filepath.Join(dir, "x")
			calls := 0
			withOps(t, func(o *fileOps) {
				o.rename = func(d *directory, oldname, newname string) error {
					calls++
					return &os.LinkError{Op: "rename", Old: d.join(oldname), New: d.join(newname), Err: errno}
				}
			})
			if err := WriteFile(target, []byte("new"), 0o644); !errors.Is(err, errno) {
				t.Fatalf("got %v, want %v", err, errno)
			}
			if calls != 1 {
				t.Errorf("rename called %d times, want 1", calls)
			}
			if _, err := os.Lstat(target); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("target exists after a failed write: %v", err)
			}
			wantNoTemps(t, dir)
		})
	}
}

// TestRetryRealClock runs the policy's own clock and sleep with a short limit: an operation
// that never stops failing is retried more than once and then given up.
func TestRetryRealClock(t *testing.T) {
	r := retries
	r.limit = 20 * time.Millisecond
	r.transient = func(err error) bool { return errors.Is(err, syscall.EBUSY) }
	calls := 0
	err := r.do(func() error { calls++; return &fs.PathError{Op: "rename", Path: "x", Err: syscall.EBUSY} })
	var re *retriedError
	if !errors.As(err, &re) || !errors.Is(err, syscall.EBUSY) || re.attempts != calls || calls < 2 {
		t.Fatalf("after %d calls got %v, want EBUSY recording every attempt", calls, err)
	}
}

// createAndCommit writes data through Create and Commit.
func createAndCommit(name string, data []byte) error {
	f, err := Create(name, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.Write(data); err != nil {
		return err
	}
	return f.Commit()
}

// TestRetryTempRemoval: a discarded temp file whose removal is refused a few times with a
// transient error (on Windows, a scanner holding it open) is removed once the refusals stop, so a
// failed write leaves no temp file behind.
func TestRetryTempRemoval(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "state.json")
	writeRaw(t, target, []byte("old"), 0o644)
	c := withRetries(t)
	removes := 0
	withOps(t, func(o *fileOps) {
		remove := o.remove
		o.sync = func(f *os.File) error { return &fs.PathError{Op: "sync", Path: f.Name(), Err: syscall.EIO} }
		o.remove = func(d *directory, name string) error {
			removes++
			if removes <= 3 {
				return &fs.PathError{Op: "remove", Path: name, Err: syscall.EBUSY}
			}
			return remove(d, name)
		}
	})
	if err := WriteFile(target, []byte("new"), 0o644); !errors.Is(err, syscall.EIO) {
		t.Fatalf("got %v, want the fsync's EIO", err)
	}
	if removes != 4 || len(c.sleeps) != 3 {
		t.Errorf("remove called %d times with %d waits, want 4 and 3", removes, len(c.sleeps))
	}
	wantContent(t, target, []byte("old"))
	wantNoTemps(t, dir)
}
