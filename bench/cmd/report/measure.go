package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/atomicjson/atomicjson/bench/internal/proc"
)

// Peak RSS of a child is read from wait4's ru_maxrss. Go starts children
// with clone(CLONE_VM|CLONE_VFORK), and Linux folds the high-water mark of
// the memory a child shared with its parent until exec into the child's
// ru_maxrss: a child of this runner, which holds benchmark payloads, would
// report at least the runner's own peak. So every measured command runs
// under a fresh copy of the runner in the measure role, whose own RSS (a
// few MiB, quoted in the report as the wrapper floor) is all that can leak
// into the measurement.
const measureOutEnv = "ATOMICJSON_BENCH_MEASURE_OUT"

// measureWrap runs args[0] with args[1:] and writes its wall time, peak
// RSS and CPU time to the file named by measureOutEnv.
func measureWrap(args []string) int {
	out := os.Getenv(measureOutEnv)
	if len(args) == 0 || out == "" {
		fmt.Fprintln(os.Stderr, "report measure wrapper: no command, or no", measureOutEnv)
		return 2
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = withoutVars(os.Environ(), childEnv, measureOutEnv)
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if cmd.ProcessState == nil {
		fmt.Fprintln(os.Stderr, "report measure wrapper:", err)
		return 1
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	line := fmt.Sprintf("%d %d %d\n", wall, proc.MaxRSSBytes(ru), ru.Utime.Nano()+ru.Stime.Nano())
	if err := os.WriteFile(out, []byte(line), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "report measure wrapper:", err)
		return 1
	}
	return cmd.ProcessState.ExitCode()
}

func withoutVars(env []string, names ...string) []string {
	var kept []string
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		drop := false
		for _, n := range names {
			drop = drop || name == n
		}
		if !drop {
			kept = append(kept, kv)
		}
	}
	return kept
}

// measured runs cmd under the measure wrapper and returns its cost; the
// result's Stdout is cmd's standard output.
func measured(cmd *exec.Cmd, tmp string) (proc.Result, error) {
	exe, err := os.Executable()
	if err != nil {
		return proc.Result{}, err
	}
	f, err := os.CreateTemp(tmp, "measure-*.txt")
	if err != nil {
		return proc.Result{}, err
	}
	f.Close()
	defer os.Remove(f.Name())
	env := cmd.Env
	if env == nil {
		env = os.Environ()
	}
	wrapped := exec.Command(exe, append([]string{cmd.Path}, cmd.Args[1:]...)...)
	wrapped.Dir = cmd.Dir
	wrapped.Env = append(env, childEnv+"="+roleMeasure, measureOutEnv+"="+f.Name())
	res, err := proc.Run(wrapped)
	if err != nil {
		return res, err
	}
	b, err := os.ReadFile(f.Name())
	if err != nil {
		return res, err
	}
	fields := strings.Fields(string(b))
	if len(fields) != 3 {
		return res, fmt.Errorf("measure wrapper for %s wrote %q", filepath.Base(cmd.Path), b)
	}
	wall, err1 := strconv.ParseInt(fields[0], 10, 64)
	rss, err2 := strconv.ParseInt(fields[1], 10, 64)
	cpu, err3 := strconv.ParseInt(fields[2], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return res, fmt.Errorf("measure wrapper for %s wrote %q", filepath.Base(cmd.Path), b)
	}
	res.Wall, res.MaxRSS, res.CPU = time.Duration(wall), rss, time.Duration(cpu)
	return res, nil
}
