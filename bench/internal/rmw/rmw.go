// Package rmw runs the contended read-modify-write benchmark: P processes
// of G goroutines each increment one counter file M times through
// atomicfs.UpdateJSON, and the final count must be P×G×M.
//
// A job runs in one of two modes. Batched is UpdateJSON as it is: the
// concurrent calls of one process share a lock hold and a durable write
// (group commit). Serial is the same UpdateJSON call with
// WithContext(context.Background()), which atomicfs documents as keeping a
// call out of batches: every call then takes the lock, reads, runs its fn
// and makes its own durable write (temp file, fsync, rename, directory
// fsync) before the lock is released — what every Update did before group
// commit. The background context never ends, so the lock wait blocks in the
// kernel exactly as an unlimited wait does. A serial call that reports a
// batch of more than one fails the run, so the baseline cannot silently
// stop being serial.
package rmw

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/atomicjson/atomicjson/atomicfs"
)

// Counter is the document every worker updates.
type Counter struct {
	N int `json:"n"`
}

// Mode says whether a job's calls may share durable writes.
type Mode string

const (
	// Serial calls each make their own durable write (see the package doc).
	Serial Mode = "serial"
	// Batched calls are UpdateJSON as it is: group commit within a process.
	Batched Mode = "batched"
)

// Job is what one worker process does: Goroutines goroutines, each doing
// Updates increments of the counter in Path, in Mode.
type Job struct {
	Path       string
	Goroutines int
	Updates    int
	Mode       Mode
}

// Args encodes j as the command-line arguments ParseJob reads.
func (j Job) Args() []string {
	return []string{j.Path, strconv.Itoa(j.Goroutines), strconv.Itoa(j.Updates), string(j.Mode)}
}

// ParseJob decodes the arguments Args made.
func ParseJob(args []string) (Job, error) {
	if len(args) != 4 {
		return Job{}, fmt.Errorf("rmw worker: want path, goroutines, updates and mode, got %q", args)
	}
	g, err := strconv.Atoi(args[1])
	if err != nil || g < 1 {
		return Job{}, fmt.Errorf("rmw worker: bad goroutine count %q", args[1])
	}
	m, err := strconv.Atoi(args[2])
	if err != nil || m < 1 {
		return Job{}, fmt.Errorf("rmw worker: bad update count %q", args[2])
	}
	mode := Mode(args[3])
	if mode != Serial && mode != Batched {
		return Job{}, fmt.Errorf("rmw worker: unknown mode %q (want %q or %q)", args[3], Serial, Batched)
	}
	return Job{args[0], g, m, mode}, nil
}

// options returns the UpdateJSON options of a call in mode, with stats.
func (m Mode) options(stats atomicfs.Option) []atomicfs.Option {
	if m == Serial {
		return []atomicfs.Option{stats, atomicfs.WithContext(context.Background())}
	}
	return []atomicfs.Option{stats}
}

// WorkerReport is what one worker process prints on standard output: one
// entry per update in each slice.
type WorkerReport struct {
	// Latencies holds the time each UpdateJSON call took, from the call to
	// its return, in nanoseconds.
	Latencies []int64 `json:"latencies_ns"`
	// Waits holds the lock wait of every update, in nanoseconds.
	Waits []int64 `json:"waits_ns"`
	// Holds holds the lock hold time of every update, in nanoseconds.
	Holds []int64 `json:"holds_ns"`
	// Batches holds LockStats.Batch of every update.
	Batches []int `json:"batches"`
	// Contended counts the updates that found the lock held.
	Contended int `json:"contended"`
	// Began and Ended are when the first call began and the last returned,
	// in Unix nanoseconds: comparable across the workers of one machine.
	Began int64 `json:"began_unix_ns"`
	Ended int64 `json:"ended_unix_ns"`
}

// Worker waits for one byte on start (so that all workers begin together),
// runs j and writes its WorkerReport to out.
func Worker(j Job, start io.Reader, out io.Writer) error {
	// Read the counter once before the start: the first call of a process
	// would otherwise pay for the page cache and the process's first file
	// operations, in the measured time.
	if err := atomicfs.View(j.Path, func([]byte) error { return nil }); err != nil {
		return fmt.Errorf("rmw worker: %w", err)
	}
	if _, err := start.Read(make([]byte, 1)); err != nil {
		return fmt.Errorf("rmw worker: waiting for the start signal: %w", err)
	}
	var (
		mu  sync.Mutex
		rep WorkerReport
	)
	stats := atomicfs.WithLockStats(func(s atomicfs.LockStats) {
		mu.Lock()
		defer mu.Unlock()
		rep.Waits = append(rep.Waits, int64(s.Wait))
		rep.Holds = append(rep.Holds, int64(s.Hold))
		rep.Batches = append(rep.Batches, s.Batch)
		if s.Contended {
			rep.Contended++
		}
	})
	opts := j.Mode.options(stats)
	rep.Began = time.Now().UnixNano()
	errs := make([]error, j.Goroutines)
	lat := make([][]int64, j.Goroutines)
	var wg sync.WaitGroup
	for g := range j.Goroutines {
		wg.Go(func() {
			for range j.Updates {
				t := time.Now()
				err := atomicfs.UpdateJSON(j.Path, 0o644, func(c *Counter) error {
					c.N++
					return nil
				}, opts...)
				lat[g] = append(lat[g], int64(time.Since(t)))
				if err != nil {
					errs[g] = fmt.Errorf("rmw worker: %w", err)
					return
				}
			}
		})
	}
	wg.Wait()
	rep.Ended = time.Now().UnixNano()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	for _, l := range lat {
		rep.Latencies = append(rep.Latencies, l...)
	}
	if j.Mode == Serial {
		for _, b := range rep.Batches {
			if b != 1 {
				return fmt.Errorf("rmw worker: a serial call (WithContext) shared a batch of %d: the serial baseline is not serial", b)
			}
		}
	}
	return json.NewEncoder(out).Encode(rep)
}

// Result is one contended run.
type Result struct {
	Procs, Goroutines int
	Mode              Mode
	// Updates is the number of updates of the run: Procs×Goroutines×M.
	Updates int
	// Wall is the time from the first call of any worker until the last
	// call of any worker returned (process start and exit, and the
	// reports, are not in it).
	Wall time.Duration
	// Latencies, Waits and Holds are the call time, lock wait and lock
	// hold of every update of every worker.
	Latencies, Waits, Holds []time.Duration
	// Batches holds LockStats.Batch of every update.
	Batches []int
	// Contended counts updates that found the lock held.
	Contended int
}

// Rate returns the run's updates per second.
func (r Result) Rate() float64 { return float64(r.Updates) / r.Wall.Seconds() }

// Run creates a counter file in dir, starts procs workers with newWorker
// (each must run Worker on the job it is given, with its standard input and
// output), releases them together and checks that the counter ends at
// procs×job.Goroutines×job.Updates. job.Path is set by Run.
func Run(dir string, procs int, job Job, newWorker func(Job) *exec.Cmd) (Result, error) {
	job.Path = filepath.Join(dir, fmt.Sprintf("counter-%dx%d-%s.json", procs, job.Goroutines, job.Mode))
	if err := atomicfs.WriteJSON(job.Path, Counter{}, 0o644); err != nil {
		return Result{}, err
	}
	type child struct {
		cmd   *exec.Cmd
		start io.WriteCloser
		out   *bufio.Reader
	}
	children := make([]child, procs)
	for i := range children {
		cmd := newWorker(job)
		cmd.Stderr = os.Stderr
		in, err := cmd.StdinPipe()
		if err != nil {
			return Result{}, err
		}
		out, err := cmd.StdoutPipe()
		if err != nil {
			return Result{}, err
		}
		if err := cmd.Start(); err != nil {
			return Result{}, fmt.Errorf("rmw: start worker: %w", err)
		}
		children[i] = child{cmd, in, bufio.NewReader(out)}
	}
	for _, c := range children {
		c.start.Write([]byte{1})
		c.start.Close()
	}
	want := procs * job.Goroutines * job.Updates
	res := Result{Procs: procs, Goroutines: job.Goroutines, Mode: job.Mode, Updates: want}
	var firstErr error
	var began, ended int64
	for i, c := range children {
		var rep WorkerReport
		decErr := json.NewDecoder(c.out).Decode(&rep)
		waitErr := c.cmd.Wait()
		switch {
		case waitErr != nil:
			firstErr = firstOf(firstErr, fmt.Errorf("rmw: worker %d: %w", i, waitErr))
		case decErr != nil:
			firstErr = firstOf(firstErr, fmt.Errorf("rmw: worker %d report: %w", i, decErr))
		}
		res.Latencies = appendDurations(res.Latencies, rep.Latencies)
		res.Waits = appendDurations(res.Waits, rep.Waits)
		res.Holds = appendDurations(res.Holds, rep.Holds)
		res.Batches = append(res.Batches, rep.Batches...)
		res.Contended += rep.Contended
		if i == 0 || rep.Began < began {
			began = rep.Began
		}
		ended = max(ended, rep.Ended)
	}
	res.Wall = time.Duration(ended - began)
	if firstErr != nil {
		return res, firstErr
	}
	data, err := os.ReadFile(job.Path)
	if err != nil {
		return res, err
	}
	var c Counter
	if err := json.Unmarshal(data, &c); err != nil {
		return res, fmt.Errorf("rmw: counter file %s is not valid JSON after the run: %w", job.Path, err)
	}
	if c.N != want {
		return res, fmt.Errorf("rmw: LOST UPDATES: %d processes × %d goroutines × %d increments (%s) left the counter at %d, want %d",
			procs, job.Goroutines, job.Updates, job.Mode, c.N, want)
	}
	if len(res.Waits) != want || len(res.Latencies) != want {
		return res, fmt.Errorf("rmw: got %d lock-stats and %d latency samples, want one of each per update (%d)", len(res.Waits), len(res.Latencies), want)
	}
	return res, nil
}

func appendDurations(ds []time.Duration, ns []int64) []time.Duration {
	for _, n := range ns {
		ds = append(ds, time.Duration(n))
	}
	return ds
}

func firstOf(first, err error) error {
	if first != nil {
		return first
	}
	return err
}
