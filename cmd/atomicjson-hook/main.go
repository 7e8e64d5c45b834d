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
	exitFailed   = 1
	exitUsage    = 2
	exitFindings = 3
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
	seen := openSeen(cwd, opts.flags)
	code := 0
	for _, j := range jobs {
		mod := modulePath(j.Dir)
		narrowed, pkgs, err := buildable(j, opts.tags)
		if err != nil {
			// atomicjson will say what is wrong with the module.
			fmt.Fprintf(stderr, "atomicjson-hook: module %s (%s): %v\n", mod, j.Dir, err)
			pkgs = nil
		}
		j = seen.filter(narrowed, pkgs)
		if len(j.Patterns) == 0 {
			if err == nil && len(narrowed.Patterns) == 0 {
				fmt.Fprintf(stderr, "atomicjson-hook: module %s: nothing to lint under the current build tags and GOOS\n", mod)
			}
			continue
		}
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
		switch c {
		case 0:
		case exitFindings:
			fmt.Fprintf(stderr, "atomicjson-hook: module %s (%s): findings reported\n", mod, j.Dir)
		default:
			fmt.Fprintf(stderr, "atomicjson-hook: module %s (%s): atomicjson failed with exit code %d\n", mod, j.Dir, c)
		}
		code = max(code, c)
	}
	return code
}

// options are the parsed command line.
type options struct {
	allModules bool
	flags      []string // passed to atomicjson
	tags       string   // the value of -tags among them
	files      []string
}

// valueFlags are the flags of the atomicjson command that take a value:
// the analyzer's (read from its flag set, so they stay in step) and the
// driver's. Only they may take their value from the next argument.
func valueFlags() map[string]bool {
	m := map[string]bool{"c": true, "cpuprofile": true, "memprofile": true, "trace": true, "debug": true, "tags": true}
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
		value := ""
		if hasValue {
			value = a[strings.Index(a, "=")+1:]
		} else if takesValue[name] {
			if i+1 == len(args) {
				return o, fmt.Errorf("flag needs a value: %s", a)
			}
			i++
			value = args[i]
			o.flags = append(o.flags, value)
		}
		if name == "tags" {
			o.tags = value
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
