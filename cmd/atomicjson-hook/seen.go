package main

import (
	"bufio"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// seenPackages remembers, across the runs of one pre-commit hook, which
// packages were already linted. pre-commit splits a long file list (an
// --all-files run of a large repository) into several runs of the hook;
// a package whose files fall into two of them, or a module selected by its
// go.mod in one run and by its files in another, would be linted and
// reported twice. The runs share their parent, the pre-commit process, so
// the record is keyed by its process ID (and, on Linux, its start time, so
// that a reused ID starts afresh), the working directory and the flags.
type seenPackages struct {
	path string
	seen map[string]bool
}

// openSeen returns the record of this hook run, or nil outside pre-commit
// (which sets PRE_COMMIT=1) or when it cannot be kept. Records older than
// a day are removed on the way.
func openSeen(cwd string, flags []string) *seenPackages {
	if os.Getenv("PRE_COMMIT") != "1" {
		return nil
	}
	dir := filepath.Join(os.TempDir(), "atomicjson-hook-runs")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil
	}
	if entries, err := os.ReadDir(dir); err == nil {
		for _, e := range entries {
			if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > 24*time.Hour {
				os.Remove(filepath.Join(dir, e.Name()))
			}
		}
	}
	ppid := os.Getppid()
	key := fmt.Sprintf("%d\x00%s\x00%s\x00%s", ppid, processStart(ppid), cwd, strings.Join(flags, "\x00"))
	sum := sha256.Sum256([]byte(key))
	s := &seenPackages{path: filepath.Join(dir, fmt.Sprintf("%x", sum[:12])), seen: map[string]bool{}}
	if f, err := os.Open(s.path); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			s.seen[sc.Text()] = true
		}
		f.Close()
	}
	return s
}

// processStart returns the start time of process pid as /proc records it,
// or "" where there is no /proc.
func processStart(pid int) string {
	if runtime.GOOS != "linux" {
		return ""
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ""
	}
	// The fields after the command name, which is in parentheses and may
	// hold spaces; the start time is the 22nd field, the 20th after it.
	i := strings.LastIndexByte(string(data), ')')
	if i < 0 {
		return ""
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 20 {
		return ""
	}
	return f[19]
}

// filter drops the packages of j already linted by an earlier run and
// records the rest. pkgs are the packages go list found for j (already
// narrowed to those with something to lint), nil when it could not tell:
// then j's patterns are what is recorded.
func (s *seenPackages) filter(j job, pkgs []listedPackage) job {
	if s == nil {
		return j
	}
	f, err := os.OpenFile(s.path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return j
	}
	defer f.Close()
	fresh := func(key string) bool {
		if s.seen[key] {
			return false
		}
		s.seen[key] = true
		fmt.Fprintln(f, key)
		return true
	}
	if pkgs == nil {
		out := job{Dir: j.Dir}
		for _, p := range j.Patterns {
			if fresh(j.Dir + "\t" + p) {
				out.Patterns = append(out.Patterns, p)
			}
		}
		return out
	}
	var dirs []string
	skipped := false
	for _, p := range pkgs {
		if p.files == 0 && (p.err == "" || noGoFiles(p.err)) {
			continue // not in j either
		}
		if fresh(j.Dir + "\t" + p.dir) {
			dirs = append(dirs, p.dir)
		} else {
			skipped = true
		}
	}
	if !skipped {
		return j
	}
	out := job{Dir: j.Dir}
	for _, dir := range dirs {
		out.Patterns = append(out.Patterns, relPattern(j.Dir, dir))
	}
	return out
}
