package atomicfs

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestGroupCommitGoroutines: 64 goroutines increment one counter; not one increment is lost,
// batches form (fewer durable writes than updates), and LockStats report them.
func TestGroupCommitGoroutines(t *testing.T) {
	target := filepath.Join(t.TempDir(), "counter.json")
	const workers = 64
	each := 100
	if testing.Short() {
		each = 10
	}
	var syncs atomic.Int64
	withOps(t, func(o *fileOps) {
		sync := o.sync
		o.sync = func(f *os.File) error { syncs.Add(1); return sync(f) }
	})
	var maxBatch atomic.Int64
	stats := WithLockStats(func(s LockStats) {
		for {
			m := maxBatch.Load()
			if int64(s.Batch) <= m || maxBatch.CompareAndSwap(m, int64(s.Batch)) {
				return
			}
		}
	})
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range each {
				if err := UpdateJSON(target, 0o644, func(c *counter) error { c.N++; return nil }, stats); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	wantContent(t, target, []byte(fmt.Sprintf(`{"n":%d}`+"\n", workers*each)))
	if n := syncs.Load(); n >= int64(workers*each) || maxBatch.Load() < 2 {
		t.Errorf("%d updates took %d fsyncs, largest batch %d: no group commit", workers*each, n, maxBatch.Load())
	}
	t.Logf("%d updates, %d durable writes, largest batch %d", workers*each, syncs.Load(), maxBatch.Load())
}

// queued returns how many calls wait for the next batch of target (default options, perm 0644).
func queued(target string) int {
	updateQueues.Lock()
	q := updateQueues.m[batchKey{name: target, perm: 0o644}]
	updateQueues.Unlock()
	if q == nil {
		return 0
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.waiting)
}

// TestGroupCommitIsolation: in one batch, a fn that fails, one that panics and one that returns
// SkipWrite lose only their own change; the others are written and their calls return nil; the
// failing call gets its error and the panicking one panics in its own goroutine; each sees the
// result of the calls before it.
func TestGroupCommitIsolation(t *testing.T) {
	target := filepath.Join(t.TempDir(), "log")
	release := make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- Update(target, 0o644, func(old []byte) ([]byte, error) {
			<-release // hold the batch while the next one queues up
			return append(old, 'a'), nil
		})
	}()
	for queued(target) != 0 || len(first) != 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // let the first call get into its fn
	errBad := errors.New("bad")
	type result struct {
		err      error
		panicked any
		saw      string
		stats    LockStats
	}
	fns := []func(old []byte) ([]byte, error){
		func(old []byte) ([]byte, error) { return append(old, 'b'), nil },
		func(old []byte) ([]byte, error) { old[0] = 'X'; return nil, errBad }, // spoils its own copy only
		func(old []byte) ([]byte, error) { panic("boom") },
		func(old []byte) ([]byte, error) { return append(old, 'z'), SkipWrite },
		func(old []byte) ([]byte, error) { return append(old, 'c'), nil },
	}
	results := make([]result, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Go(func() {
			defer func() { results[i].panicked = recover() }()
			results[i].err = Update(target, 0o644, func(old []byte) ([]byte, error) {
				results[i].saw = string(old)
				return fn(old)
			}, WithLockStats(func(s LockStats) { results[i].stats = s }))
		})
		for queued(target) != i+1 { // queue them in this order
			time.Sleep(time.Millisecond)
		}
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	wantContent(t, target, []byte("abc"))
	wantSaw := []string{"a", "ab", "ab", "ab", "ab"}
	for i, r := range results {
		if r.saw != wantSaw[i] {
			t.Errorf("call %d saw %q, want %q", i, r.saw, wantSaw[i])
		}
		if r.stats.Batch != len(fns) || !r.stats.Contended {
			t.Errorf("call %d: LockStats %+v, want Batch %d, Contended", i, r.stats, len(fns))
		}
	}
	if results[0].err != nil || results[3].err != nil || results[4].err != nil {
		t.Errorf("the calls that succeeded or skipped returned %v, %v, %v", results[0].err, results[3].err, results[4].err)
	}
	if !errors.Is(results[1].err, errBad) {
		t.Errorf("the failing call returned %v, want its error", results[1].err)
	}
	if results[2].panicked != "boom" {
		t.Errorf("the panicking call: recovered %v, want its panic", results[2].panicked)
	}
	for i, r := range results {
		if i != 2 && r.panicked != nil {
			t.Errorf("call %d panicked: %v", i, r.panicked)
		}
	}
}

func init() {
	// incrementParallel runs ATOMICFS_TEST_G goroutines of ATOMICFS_TEST_N increments each
	// (forever if N is 0, writing "ack" after each one).
	children["incrementParallel"] = func() error {
		g, _ := strconv.Atoi(os.Getenv("ATOMICFS_TEST_G"))
		n, _ := strconv.Atoi(os.Getenv("ATOMICFS_TEST_N"))
		target := os.Getenv("ATOMICFS_TEST_TARGET")
		errs := make(chan error, g)
		var out sync.Mutex
		for range g {
			go func() {
				for i := 0; n == 0 || i < n; i++ {
					if err := UpdateJSON(target, 0o644, func(c *counter) error { c.N++; return nil }); err != nil {
						errs <- err
						return
					}
					if n == 0 {
						out.Lock()
						os.Stdout.WriteString("ack\n")
						out.Unlock()
					}
				}
				errs <- nil
			}()
		}
		for range g {
			if err := <-errs; err != nil {
				return err
			}
		}
		return nil
	}
}

func startIncrementers(t *testing.T, target string, g, n int) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), childEnv+"=incrementParallel", "ATOMICFS_TEST_TARGET="+target,
		"ATOMICFS_TEST_G="+strconv.Itoa(g), "ATOMICFS_TEST_N="+strconv.Itoa(n))
	cmd.Stderr = os.Stderr
	return cmd
}

// TestGroupCommitProcesses: 4 processes of 64 goroutines, 100 increments each (25,600 in all),
// increment one counter at once: batches in each process, the file lock between them; not one
// increment is lost.
func TestGroupCommitProcesses(t *testing.T) {
	target := filepath.Join(t.TempDir(), "counter.json")
	const procs, goroutines = 4, 64
	each := 100
	if testing.Short() {
		each = 5
	}
	var cmds []*exec.Cmd
	for range procs {
		cmd := startIncrementers(t, target, goroutines, each)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("child: %v", err)
		}
	}
	wantContent(t, target, []byte(fmt.Sprintf(`{"n":%d}`+"\n", procs*goroutines*each)))
}

// TestGroupCommitKilled: a process whose 16 goroutines increment in batches is SIGKILLed; the
// file holds every acknowledged increment, and at most one more per goroutine (a batch made
// durable whose calls had not yet returned), never a part of a batch.
func TestGroupCommitKilled(t *testing.T) {
	target := filepath.Join(t.TempDir(), "counter.json")
	const goroutines = 16
	cmd := startIncrementers(t, target, goroutines, 0)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acks := 0
	lines := bufio.NewScanner(out)
	for acks < 100 && lines.Scan() {
		acks++
	}
	cmd.Process.Signal(syscall.SIGKILL)
	for lines.Scan() {
		acks++
	}
	cmd.Wait()
	data, err := os.ReadFile(target)
	if err != nil {
		t.Fatal(err)
	}
	var c counter
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatalf("after the kill the file is not a complete version: %q: %v", data, err)
	}
	if c.N < acks || c.N > acks+goroutines {
		t.Errorf("the file counts %d, %d increments were acknowledged: want %d to %d", c.N, acks, acks, acks+goroutines)
	}
}

// TestGroupCommitGoexit: a fn that ends its goroutine (runtime.Goexit, as t.FailNow does) takes
// the lock with it neither for its batch nor for later calls: they get an error saying so, and
// the next Update works.
func TestGroupCommitGoexit(t *testing.T) {
	target := filepath.Join(t.TempDir(), "x")
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		Update(target, 0o644, func(old []byte) ([]byte, error) { runtime.Goexit(); return nil, nil })
	}()
	<-exited
	if err := Update(target, 0o644, func(old []byte) ([]byte, error) { return []byte("ok"), nil }, WithLockTimeout(5*time.Second)); err != nil {
		t.Fatalf("after a fn called Goexit: %v", err)
	}
	if err := Update(target, 0o644, func(old []byte) ([]byte, error) { return append(old, '!'), nil }); err != nil {
		t.Fatalf("a batched Update after a fn called Goexit: %v", err)
	}
	wantContent(t, target, []byte("ok!"))
}

// TestGroupCommitLimits: a call with a WithLockTimeout or WithContext limit runs alone and gives
// up at its limit — while a batch waits for the lock another process holds, or holds it itself —
// with ErrLockTimeout or the context's error, its fn never run; the batch's calls still run.
func TestGroupCommitLimits(t *testing.T) {
	dir := t.TempDir()
	neverFn := func([]byte) ([]byte, error) { t.Error("fn of a call that gave up ran"); return nil, nil }

	// In a batch waiting for a lock held outside.
	target := filepath.Join(dir, "held")
	writeRaw(t, target, []byte("old"), 0o644)
	release := holdLock(t, target)
	patient := make(chan error, 1)
	go func() {
		patient <- Update(target, 0o644, func(old []byte) ([]byte, error) { return append(old, '+'), nil })
	}()
	time.Sleep(20 * time.Millisecond)
	start := time.Now()
	err := Update(target, 0o644, neverFn, WithLockTimeout(50*time.Millisecond))
	if !errors.Is(err, ErrLockTimeout) || time.Since(start) < 50*time.Millisecond {
		t.Errorf("timeout while the batch waits for the lock: got %v after %v", err, time.Since(start))
	}
	release()
	if err := <-patient; err != nil {
		t.Fatal(err)
	}
	wantContent(t, target, []byte("old+"))

	// Queued behind a running batch.
	target = filepath.Join(dir, "busy")
	hold := make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- Update(target, 0o644, func(old []byte) ([]byte, error) { <-hold; return []byte("first"), nil })
	}()
	time.Sleep(20 * time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(30*time.Millisecond, cancel)
	err = Update(target, 0o644, neverFn, WithContext(ctx))
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrLockTimeout) {
		t.Errorf("cancelled while queued: got %v, want context.Canceled", err)
	}
	close(hold)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	wantContent(t, target, []byte("first"))
}
