package atomicfs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

func TestUpdate(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "log")
	var seen [][]byte
	appendLine := func(old []byte) ([]byte, error) {
		seen = append(seen, old)
		return append(old, "line\n"...), nil
	}
	for range 2 {
		if err := Update(target, 0o644, appendLine); err != nil {
			t.Fatal(err)
		}
	}
	if seen[0] != nil || string(seen[1]) != "line\n" {
		t.Errorf("fn saw %q, want nil for the missing file, then the content", seen)
	}
	wantContent(t, target, []byte("line\nline\n"))
	wantNoLockFile(t, target)
	wantNoTemps(t, dir)

	// An existing empty file is not a missing one.
	writeRaw(t, target, nil, 0o644)
	Update(target, 0o644, func(old []byte) ([]byte, error) {
		if old == nil {
			t.Error("an empty file gave fn nil")
		}
		return old, nil
	})
}

func TestUpdateFnErrorWritesNothing(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "x")
	writeRaw(t, target, []byte("old"), 0o644)
	errStop := errors.New("stop")
	err := Update(target, 0o644, func(old []byte) ([]byte, error) { return []byte("new"), errStop })
	if !errors.Is(err, errStop) {
		t.Errorf("got %v, want fn's error", err)
	}
	wantContent(t, target, []byte("old"))
	err = UpdateJSON(target+"2", 0o644, func(v *map[string]int) error { return errStop })
	if !errors.Is(err, errStop) {
		t.Errorf("UpdateJSON: got %v, want fn's error", err)
	}
	if _, err := os.Lstat(target + "2"); !errors.Is(err, fs.ErrNotExist) {
		t.Error("UpdateJSON created the file although fn failed")
	}
	wantNoTemps(t, dir)
}

type counter struct {
	N      int      `json:"n"`
	Labels []string `json:"labels,omitempty"`
}

func TestUpdateJSON(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "c.json")
	for i := range 3 {
		err := UpdateJSON(target, 0o644, func(c *counter) error {
			if c.N != i {
				t.Errorf("fn got n=%d, want %d", c.N, i)
			}
			c.N++
			return nil
		}, WithIndent("", " "))
		if err != nil {
			t.Fatal(err)
		}
	}
	wantContent(t, target, []byte("{\n \"n\": 3\n}\n"))
}

// TestUpdateJSONCorrupt: a file that does not decode is an error naming it, fn is not called and
// the file is left as it was — never replaced by a zero value.
func TestUpdateJSONCorrupt(t *testing.T) {
	for name, content := range map[string]string{
		"truncated":  `{"n": 4`,
		"empty":      ``,
		"wrong type": `{"n": "four"}`,
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			target := filepath.Join(dir, "c.json")
			writeRaw(t, target, []byte(content), 0o644)
			err := UpdateJSON(target, 0o644, func(c *counter) error {
				t.Error("fn called on a corrupt file")
				return nil
			})
			wantStepError(t, err, "decode", target)
			var se *json.SyntaxError
			var ue *json.UnmarshalTypeError
			if !errors.As(err, &se) && !errors.As(err, &ue) {
				t.Errorf("json's error is not reachable from %v", err)
			}
			wantContent(t, target, []byte(content))
			wantNoTemps(t, dir)
		})
	}
}

func TestLockTimeout(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "x")
	writeRaw(t, target, []byte("old"), 0o644)
	holdLock(t, target)
	statsCalled := false
	start := time.Now()
	err := Update(target, 0o644, func(old []byte) ([]byte, error) {
		t.Error("fn called without the lock")
		return nil, nil
	}, WithLockTimeout(50*time.Millisecond), WithLockStats(func(LockStats) { statsCalled = true }))
	if waited := time.Since(start); waited < 50*time.Millisecond {
		t.Errorf("gave up after %v, before the timeout", waited)
	}
	wantStepError(t, err, "lock", target)
	if !errors.Is(err, ErrLockTimeout) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v, want ErrLockTimeout alone", err)
	}
	if statsCalled {
		t.Error("LockStats reported for a lock never held")
	}
	wantContent(t, target, []byte("old"))
}

// TestLockContext: a cancelled context ends the wait with context.Canceled, which is not a
// timeout; a context's deadline is one (both ErrLockTimeout and context.DeadlineExceeded), and
// WithLockTimeout's is ErrLockTimeout alone (TestLockTimeout). The context's cause is kept.
func TestLockContext(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "x")
	writeRaw(t, target, []byte("old"), 0o644)
	holdLock(t, target)
	noFn := func(old []byte) ([]byte, error) { t.Error("fn called without the lock"); return nil, nil }

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(30*time.Millisecond, cancel)
	err := Update(target, 0o644, noFn, WithContext(ctx))
	wantStepError(t, err, "lock", target)
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrLockTimeout) {
		t.Errorf("cancelled: got %v, want context.Canceled and not ErrLockTimeout", err)
	}

	errShutdown := errors.New("shutting down")
	cctx, ccancel := context.WithCancelCause(context.Background())
	time.AfterFunc(10*time.Millisecond, func() { ccancel(errShutdown) })
	err = Update(target, 0o644, noFn, WithContext(cctx))
	if !errors.Is(err, context.Canceled) || !errors.Is(err, errShutdown) || errors.Is(err, ErrLockTimeout) {
		t.Errorf("cancelled with a cause: got %v, want context.Canceled and the cause", err)
	}

	dctx, dcancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer dcancel()
	err = Update(target, 0o644, noFn, WithContext(dctx))
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, ErrLockTimeout) {
		t.Errorf("deadline: got %v, want context.DeadlineExceeded and ErrLockTimeout", err)
	}

	// An already cancelled context does not even try, on a free file either.
	free := filepath.Join(dir, "free")
	err = Update(free, 0o644, noFn, WithContext(ctx))
	wantStepError(t, err, "lock", free)
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrLockTimeout) {
		t.Errorf("got %v, want context.Canceled", err)
	}
	if _, err := os.Lstat(free); !errors.Is(err, fs.ErrNotExist) {
		t.Error("written without the lock")
	}
	wantContent(t, target, []byte("old"))
}

func TestLockStats(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "x")
	var got []LockStats
	record := WithLockStats(func(s LockStats) { got = append(got, s) })
	slow := func(old []byte) ([]byte, error) { time.Sleep(20 * time.Millisecond); return []byte("x"), nil }
	if err := Update(target, 0o644, slow, record); err != nil {
		t.Fatal(err)
	}
	release := holdLock(t, target)
	time.AfterFunc(40*time.Millisecond, release)
	if err := Update(target, 0o644, slow, record); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("LockStats called %d times for 2 updates", len(got))
	}
	if got[0].Contended || got[0].Hold < 20*time.Millisecond || got[0].Wait > got[0].Hold {
		t.Errorf("uncontended update: %+v", got[0])
	}
	if !got[1].Contended || got[1].Wait < 30*time.Millisecond || got[1].Hold < 20*time.Millisecond {
		t.Errorf("contended update: %+v, want Contended, Wait >= 30ms and Hold >= 20ms", got[1])
	}
}

func TestUpdateMkdirAll(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "a", "b", "c.json")
	if err := UpdateJSON(target, 0o644, func(c *counter) error { c.N = 1; return nil }, WithMkdirAll(0o755)); err != nil {
		t.Fatal(err)
	}
	wantContent(t, target, []byte(`{"n":1}`+"\n"))
	err := Update(filepath.Join(dir, "missing", "x"), 0o644, func(old []byte) ([]byte, error) { return old, nil })
	wantStepError(t, err, "lock", filepath.Join(dir, "missing", "x"))
}

// TestUpdateJSONGoroutines: 8 goroutines increment one counter; no increment is lost.
func TestUpdateJSONGoroutines(t *testing.T) {
	target := filepath.Join(t.TempDir(), "counter.json")
	const workers = 8
	each := 25
	if testing.Short() {
		each = 10
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range each {
				if err := UpdateJSON(target, 0o644, func(c *counter) error { c.N++; return nil }); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	wantContent(t, target, []byte(fmt.Sprintf(`{"n":%d}`+"\n", workers*each)))
}

func init() {
	children["increment"] = func() error {
		n, err := strconv.Atoi(os.Getenv("ATOMICFS_TEST_N"))
		if err != nil {
			return err
		}
		for range n {
			err := UpdateJSON(os.Getenv("ATOMICFS_TEST_TARGET"), 0o644, func(c *counter) error { c.N++; return nil })
			if err != nil {
				return err
			}
		}
		return nil
	}
}

// TestUpdateJSONProcesses: 4 processes (the re-executed test binary) and 2 goroutines here
// increment one counter; no increment is lost.
func TestUpdateJSONProcesses(t *testing.T) {
	target := filepath.Join(t.TempDir(), "counter.json")
	const procs = 4
	each := 25
	if testing.Short() {
		each = 10
	}
	var cmds []*exec.Cmd
	for range procs {
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), childEnv+"=increment", "ATOMICFS_TEST_TARGET="+target, "ATOMICFS_TEST_N="+strconv.Itoa(each))
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for range each {
		if err := UpdateJSON(target, 0o644, func(c *counter) error { c.N++; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("child: %v", err)
		}
	}
	wantContent(t, target, []byte(fmt.Sprintf(`{"n":%d}`+"\n", (procs+1)*each)))
}

// TestSkipWrite: fn returning SkipWrite (also wrapped) leaves the file untouched — same inode,
// same content, no temp file, a missing file stays missing — and Update returns nil.
func TestSkipWrite(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "x.json")
	writeRaw(t, target, []byte(`{"n":1}`), 0o644)
	before, err := os.Stat(target)
	if err != nil {
		t.Fatal(err)
	}
	withOps(t, func(o *fileOps) {
		o.openFile = func(d *directory, name string, flag int, perm fs.FileMode) (*os.File, error) {
			t.Errorf("temp file %s created for a skipped write", name)
			return openFileAt(d, name, flag, perm)
		}
	})
	skips := []func() error{
		func() error {
			return Update(target, 0o644, func([]byte) ([]byte, error) { return []byte("new"), SkipWrite })
		},
		func() error {
			return Update(target, 0o644, func([]byte) ([]byte, error) { return nil, fmt.Errorf("unchanged: %w", SkipWrite) })
		},
		func() error {
			return UpdateJSON(target, 0o644, func(c *counter) error { c.N = 99; return SkipWrite })
		},
	}
	for i, skip := range skips {
		if err := skip(); err != nil {
			t.Errorf("skip %d: %v", i, err)
		}
	}
	wantContent(t, target, []byte(`{"n":1}`))
	after, err := os.Stat(target)
	if err != nil || !os.SameFile(before, after) || !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("the file was replaced or touched: %v", err)
	}
	missing := filepath.Join(dir, "missing.json")
	if err := UpdateJSON(missing, 0o644, func(c *counter) error { return SkipWrite }); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a skipped update created the file: %v", err)
	}
	wantNoTemps(t, dir)
}
