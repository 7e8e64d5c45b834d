package main

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/atomicjson/atomicjson/bench/internal/proc"
)

// The vettool wrapper sits between go vet and the analysis tool being
// measured. It does two things:
//
//   - It salts the tool's -V=full answer, from which go vet derives the
//     tool's ID and hence the cache key of every vet action. A fresh salt
//     per run makes every vet action miss the cache (a cold vet cache)
//     while the compiled export data of the dependencies stays cached: the
//     run measures the analysis, not the compiler, which both contenders
//     would pay alike.
//   - It runs the real tool as its own child and appends that process's
//     wall time, peak RSS and CPU time to a log, so the report can quote
//     the peak RSS of the analysis processes rather than of the go command.
const (
	vetToolEnv = "ATOMICJSON_BENCH_VETTOOL" // the real tool's path
	vetSaltEnv = "ATOMICJSON_BENCH_VETSALT" // this run's salt
	vetLogEnv  = "ATOMICJSON_BENCH_VETLOG"  // the log to append to
)

func vetWrap(args []string) int {
	tool := os.Getenv(vetToolEnv)
	if tool == "" {
		fmt.Fprintf(os.Stderr, "report vettool wrapper: %s is not set\n", vetToolEnv)
		return 2
	}
	if len(args) == 1 && args[0] == "-V=full" {
		out, err := exec.Command(tool, "-V=full").Output()
		if err != nil {
			fmt.Fprintf(os.Stderr, "report vettool wrapper: %s -V=full: %v\n", tool, err)
			return 1
		}
		fmt.Println(saltVersion(strings.TrimSpace(string(out)), os.Getenv(vetSaltEnv)))
		return 0
	}
	cmd := exec.Command(tool, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if cmd.ProcessState == nil {
		fmt.Fprintf(os.Stderr, "report vettool wrapper: %v\n", err)
		return 1
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && isAnalysisRun(args) {
		if err := appendVetLog(wall, proc.MaxRSSBytes(ru), time.Duration(ru.Utime.Nano()+ru.Stime.Nano())); err != nil {
			fmt.Fprintf(os.Stderr, "report vettool wrapper: %v\n", err)
			return 1
		}
	}
	return cmd.ProcessState.ExitCode()
}

// saltVersion changes a tool's -V=full line in a way go vet accepts: for a
// development build ("devel ... buildID=X") the salt extends the build ID,
// which go vet uses alone; for a release, whose whole line is the ID, it is
// appended.
func saltVersion(line, salt string) string {
	f := strings.Fields(line)
	if len(f) >= 3 && strings.Contains(f[2], "devel") && strings.HasPrefix(f[len(f)-1], "buildID=") {
		return line + "-" + salt
	}
	return line + " salt:" + salt
}

// isAnalysisRun tells a per-package analysis (its last argument is the
// unit's vet.cfg) from go vet's flag queries.
func isAnalysisRun(args []string) bool {
	return len(args) > 0 && strings.HasSuffix(args[len(args)-1], ".cfg")
}

func appendVetLog(wall time.Duration, rss int64, cpu time.Duration) error {
	f, err := os.OpenFile(os.Getenv(vetLogEnv), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	// One short line per write: O_APPEND keeps concurrent wrappers' lines whole.
	_, err = fmt.Fprintf(f, "%d %d %d\n", wall, rss, cpu)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
