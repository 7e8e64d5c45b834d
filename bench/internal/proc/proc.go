// Package proc runs a child process and measures its wall time and peak
// resident set size.
package proc

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Result is what one child run cost.
type Result struct {
	// Wall is the time from start to exit.
	Wall time.Duration
	// MaxRSS is ru_maxrss from wait4 in bytes: the largest resident set of
	// the child or of any descendant it waited for (for go vet: the go
	// command, the compiler and every vet tool process).
	MaxRSS int64
	// CPU is user plus system time of the child and its waited-for
	// descendants.
	CPU time.Duration
	// Stdout is what the child printed on standard output.
	Stdout []byte
}

// Run starts cmd, waits for it, and measures it. A non-zero exit is an
// error carrying the tail of the child's standard error.
func Run(cmd *exec.Cmd) (Result, error) {
	var stdout, stderr bytes.Buffer
	if cmd.Stdout == nil {
		cmd.Stdout = &stdout
	}
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return Result{}, fmt.Errorf("%s: %w\n%s", strings.Join(cmd.Args, " "), err, tail(stderr.String(), 2000))
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return Result{}, fmt.Errorf("%s: no rusage on this system", cmd.Path)
	}
	return Result{
		Wall:   wall,
		MaxRSS: MaxRSSBytes(ru),
		CPU:    time.Duration(ru.Utime.Nano() + ru.Stime.Nano()),
		Stdout: stdout.Bytes(),
	}, nil
}

// MaxRSSBytes converts ru_maxrss, which Linux reports in KiB, to bytes.
func MaxRSSBytes(ru *syscall.Rusage) int64 { return int64(ru.Maxrss) * 1024 }

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

// SelfPeakRSS returns this process's peak resident set size (VmHWM from
// /proc/self/status) in bytes. Unlike a parent's ru_maxrss for the child, it
// is not inflated by the parent's own RSS: Go starts children with
// clone(CLONE_VM|CLONE_VFORK), and Linux carries the high-water mark of the
// memory the child shared with its parent until exec into the child's
// ru_maxrss.
func SelfPeakRSS() (int64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("VmHWM in /proc/self/status: %w", err)
			}
			return kb * 1024, nil
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/self/status")
}

// SelfWriteCalls returns the number of write system calls this process has
// made (syscw in /proc/self/io): how a writer batches its output shows here.
func SelfWriteCalls() (int64, error) {
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "syscw:"); ok {
			return strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		}
	}
	return 0, fmt.Errorf("no syscw in /proc/self/io")
}
