// Package rmw runs the contended read-modify-write benchmark: N processes
// each increment one counter file M times through atomicfs.UpdateJSON, and
// the final count must be N×M.
package rmw

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/atomicjson/atomicjson/atomicfs"
)

// Counter is the document every worker updates.
type Counter struct {
	N int `json:"n"`
}

// WorkerReport is what one worker process prints on standard output.
type WorkerReport struct {
	// Waits holds the lock wait of every update, in nanoseconds.
	Waits []int64 `json:"waits_ns"`
	// Holds holds the lock hold time of every update, in nanoseconds.
	Holds []int64 `json:"holds_ns"`
	// Contended counts the updates that found the lock held.
	Contended int `json:"contended"`
}

// Worker waits for one byte on start (so that all workers begin together),
// then increments the counter in path m times and writes its WorkerReport
// to out.
func Worker(path string, m int, start io.Reader, out io.Writer) error {
	if _, err := start.Read(make([]byte, 1)); err != nil {
		return fmt.Errorf("rmw worker: waiting for the start signal: %w", err)
	}
	var rep WorkerReport
	stats := atomicfs.WithLockStats(func(s atomicfs.LockStats) {
		rep.Waits = append(rep.Waits, int64(s.Wait))
		rep.Holds = append(rep.Holds, int64(s.Hold))
		if s.Contended {
			rep.Contended++
		}
	})
	for range m {
		err := atomicfs.UpdateJSON(path, 0o644, func(c *Counter) error {
			c.N++
			return nil
		}, stats)
		if err != nil {
			return fmt.Errorf("rmw worker: %w", err)
		}
	}
	return json.NewEncoder(out).Encode(rep)
}

// Result is one contended run.
type Result struct {
	Procs, Updates int
	// Wall is the time from the start signal until the last worker exited.
	Wall time.Duration
	// Waits and Holds are the lock wait and hold of every update of every
	// worker.
	Waits, Holds []time.Duration
	// Contended counts updates that found the lock held.
	Contended int
}

// Run creates a counter file in dir, starts n workers with newWorker (each
// must run Worker on the path, m, its standard input and its standard
// output), releases them together and checks that the counter ends at n×m.
func Run(dir string, n, m int, newWorker func(path string, m int) *exec.Cmd) (Result, error) {
	path := filepath.Join(dir, fmt.Sprintf("counter-%d.json", n))
	if err := atomicfs.WriteJSON(path, Counter{}, 0o644); err != nil {
		return Result{}, err
	}
	type child struct {
		cmd   *exec.Cmd
		start io.WriteCloser
		out   *bufio.Reader
	}
	children := make([]child, n)
	for i := range children {
		cmd := newWorker(path, m)
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
	start := time.Now()
	for _, c := range children {
		c.start.Write([]byte{1})
		c.start.Close()
	}
	res := Result{Procs: n, Updates: n * m}
	var firstErr error
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
		for _, w := range rep.Waits {
			res.Waits = append(res.Waits, time.Duration(w))
		}
		for _, h := range rep.Holds {
			res.Holds = append(res.Holds, time.Duration(h))
		}
		res.Contended += rep.Contended
	}
	res.Wall = time.Since(start)
	if firstErr != nil {
		return res, firstErr
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return res, err
	}
	var c Counter
	if err := json.Unmarshal(data, &c); err != nil {
		return res, fmt.Errorf("rmw: counter file %s is not valid JSON after the run: %w", path, err)
	}
	if c.N != n*m {
		return res, fmt.Errorf("rmw: LOST UPDATES: %d processes × %d increments left the counter at %d, want %d", n, m, c.N, n*m)
	}
	if len(res.Waits) != n*m {
		return res, fmt.Errorf("rmw: got %d lock-wait samples from WithLockStats, want one per update (%d)", len(res.Waits), n*m)
	}
	return res, nil
}

func firstOf(first, err error) error {
	if first != nil {
		return first
	}
	return err
}
