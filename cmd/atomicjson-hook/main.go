package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/atomicjson/atomicjson/analyzer"
)

// Exit codes, as the atomicjson command uses them.
const (
	exitFailed = 1
	exitUsage  = 2
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the whole program: it returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	opts, err := parseArgs(args)
	if err != nil {
		fmt.Fprintf(stderr, "atomicjson-hook: %v\n", err)
		return exitUsage
	}
	cwd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(stderr, "atomicjson-hook: %v\n", err)
		return exitFailed
	}
	var jobs []job
	if opts.allModules {
		jobs, err = planAll(cwd)
		if err != nil {
			fmt.Fprintf(stderr, "atomicjson-hook: finding modules: %v\n", err)
			return exitFailed
		}
	} else {
		var skipped []string
		jobs, skipped = planFiles(cwd, opts.files)
		for _, s := range skipped {
			fmt.Fprintf(stderr, "atomicjson-hook: skipping %s\n", s)
		}
	}
	if len(jobs) == 0 {
		return 0
	}
	tool, err := findAtomicjson()
	if err != nil {
		fmt.Fprintf(stderr, "atomicjson-hook: %v\n", err)
		return exitFailed
	}
	code := 0
	for _, j := range jobs {
		cmd := exec.Command(tool, append(append([]string(nil), opts.flags...), j.Patterns...)...)
		cmd.Dir = j.Dir
		cmd.Stdout = stdout
		cmd.Stderr = stderr
		c := 0
		var exitErr *exec.ExitError
		switch err := cmd.Run(); {
		case err == nil:
		case errors.As(err, &exitErr) && exitErr.Exited():
			c = exitErr.ExitCode()
		default:
			fmt.Fprintf(stderr, "atomicjson-hook: running atomicjson in %s: %v\n", j.Dir, err)
			c = exitFailed
		}
		code = max(code, c)
	}
	return code
}

// options are the parsed command line.
type options struct {
	allModules bool
	flags      []string // passed to atomicjson
	files      []string
}

// valueFlags are the flags of the atomicjson command that take a value:
// the analyzer's (read from its flag set, so they stay in step) and the
// driver's. Only they may take their value from the next argument.
func valueFlags() map[string]bool {
	m := map[string]bool{"c": true, "cpuprofile": true, "memprofile": true, "trace": true, "debug": true}
	analyzer.New(analyzer.DefaultConfig()).Flags.VisitAll(func(f *flag.Flag) {
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !b.IsBoolFlag() {
			m[f.Name] = true
		}
	})
	return m
}

// parseArgs splits the command line into the hook's own -all-modules flag,
// flags for atomicjson and file names. Flags come first; the first
// argument that is not a flag, or everything after "--", are file names.
func parseArgs(args []string) (options, error) {
	var o options
	takesValue := valueFlags()
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			o.files = append(o.files, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			o.files = append(o.files, args[i:]...)
			break
		}
		name := strings.TrimLeft(a, "-")
		name, _, hasValue := strings.Cut(name, "=")
		switch {
		case name == "all-modules":
			if hasValue {
				return o, fmt.Errorf("-all-modules takes no value: %s", a)
			}
			o.allModules = true
			continue
		case name == "":
			return o, fmt.Errorf("bad flag syntax: %s", a)
		}
		o.flags = append(o.flags, a)
		if !hasValue && takesValue[name] {
			if i+1 == len(args) {
				return o, fmt.Errorf("flag needs a value: %s", a)
			}
			i++
			o.flags = append(o.flags, args[i])
		}
	}
	return o, nil
}

// findAtomicjson returns the atomicjson command installed next to this
// executable, or else the one on PATH.
func findAtomicjson() (string, error) {
	name := "atomicjson"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	if self, err := os.Executable(); err == nil {
		if self, err := filepath.EvalSymlinks(self); err == nil {
			sibling := filepath.Join(filepath.Dir(self), name)
			if info, err := os.Stat(sibling); err == nil && info.Mode().IsRegular() {
				return sibling, nil
			}
		}
	}
	path, err := exec.LookPath("atomicjson")
	if err != nil {
		return "", fmt.Errorf("the atomicjson command is neither next to atomicjson-hook nor on PATH (go install github.com/atomicjson/atomicjson/cmd/...): %v", err)
	}
	return path, nil
}
