package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/tools/go/analysis/singlechecker"

	"github.com/atomicjson/atomicjson/analyzer"
)

// childEnv marks a run of this program by itself: the plain single-analyzer
// driver, without the -fix and -tags handling of main.
const childEnv = "ATOMICJSON_DRIVER_CHILD"

func main() {
	args := os.Args[1:]
	switch {
	case os.Getenv(childEnv) == "1":
	case isVetRun(args):
		checkVetFlags(args)
	default:
		if code, handled := standalone(args); handled {
			os.Exit(code)
		}
	}
	singlechecker.Main(analyzer.Analyzer)
}

// isVetRun reports whether go vet runs this program on one package: its
// last argument is the package's configuration file.
func isVetRun(args []string) bool {
	return len(args) > 0 && strings.HasSuffix(args[len(args)-1], ".cfg")
}

// driverValueFlags are the flags of the driver (not the analyzer) that take
// a value, so that the next argument is theirs when they are written
// without "=".
var driverValueFlags = map[string]bool{"c": true, "cpuprofile": true, "memprofile": true, "trace": true, "debug": true, "tags": true}

// cmdline is the part of a command line main acts on.
type cmdline struct {
	fix, diff bool
	fixAt     []int  // indexes of the arguments that set -fix
	tags      string // the value of -tags, if any
	hasTags   bool
}

// parseCmdline finds -fix, -diff and -tags among the flags, which end at
// the first argument that is not a flag or at "--".
func parseCmdline(args []string) (cmdline, error) {
	var cl cmdline
	takesValue := map[string]bool{}
	for name := range driverValueFlags {
		takesValue[name] = true
	}
	analyzer.Analyzer.Flags.VisitAll(func(f *flag.Flag) {
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !b.IsBoolFlag() {
			takesValue[f.Name] = true
		}
	})
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" || !strings.HasPrefix(a, "-") || a == "-" {
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch name {
		case "fix", "diff":
			on := true
			if hasValue {
				var err error
				if on, err = strconv.ParseBool(value); err != nil {
					return cl, fmt.Errorf("invalid boolean value %q for -%s", value, name)
				}
			}
			if name == "fix" {
				cl.fix = on
				cl.fixAt = append(cl.fixAt, i)
			} else {
				cl.diff = on
			}
		default:
			if !hasValue && takesValue[name] && i+1 < len(args) {
				i++
				value, hasValue = args[i], true
			}
			if name == "tags" && hasValue {
				cl.tags, cl.hasTags = value, true
			}
		}
	}
	return cl, nil
}

// standalone runs the command outside go vet and returns its exit code.
// -tags reaches the package loader (through GOFLAGS), and -fix reports what
// it could not fix: after applying the fixes it lints again, printing the
// findings that remain and exiting 3 when there are any. -fix -diff prints
// the fixes as a diff and, as go vet -fix -diff does, exits 1 when the diff
// is not empty.
// It returns handled false when the plain driver does all that is asked.
func standalone(args []string) (code int, handled bool) {
	cl, err := parseCmdline(args)
	if err != nil {
		fmt.Fprintf(os.Stderr, "atomicjson: %v\n", err)
		return 2, true
	}
	if !cl.fix && !cl.hasTags {
		return 0, false
	}
	env := append(os.Environ(), childEnv+"=1")
	if cl.hasTags {
		// go/packages, which loads the packages, reads build flags from
		// GOFLAGS only; a later -tags there wins over an earlier one.
		goflags := strings.TrimSpace(os.Getenv("GOFLAGS") + " -tags=" + cl.tags)
		env = append(env, "GOFLAGS="+goflags)
	}
	if !cl.fix {
		return runSelf(args, env, os.Stdout), true
	}
	if cl.diff {
		var diff countingWriter
		code := runSelf(args, env, io.MultiWriter(os.Stdout, &diff))
		if code == 0 && diff.n > 0 {
			code = 1
		}
		return code, true
	}
	if code := runSelf(args, env, os.Stdout); code != 0 {
		return code, true
	}
	// What the fixes left: the findings without a fix, or with one that
	// could not be applied.
	rest := make([]string, 0, len(args))
	for i, a := range args {
		if !contains(cl.fixAt, i) {
			rest = append(rest, a)
		}
	}
	return runSelf(rest, env, os.Stdout), true
}

// runSelf runs this program as the plain driver and returns its exit code.
func runSelf(args, env []string, stdout io.Writer) int {
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintf(os.Stderr, "atomicjson: %v\n", err)
		return 1
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = env
	cmd.Stdin = os.Stdin
	cmd.Stdout = stdout
	cmd.Stderr = os.Stderr
	var exitErr *exec.ExitError
	switch err := cmd.Run(); {
	case err == nil:
		return 0
	case errors.As(err, &exitErr) && exitErr.Exited():
		return exitErr.ExitCode()
	default:
		fmt.Fprintf(os.Stderr, "atomicjson: %v\n", err)
		return 1
	}
}

// countingWriter counts the bytes written to it.
type countingWriter struct{ n int }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	return len(p), nil
}

func contains(s []int, x int) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

// checkVetFlags validates the analyzer's flags of a go vet run before the
// driver sees them. go vet runs this program once per package, so an
// invalid value would print the error and the usage once per package of
// the build (thousands of lines): the first run of one go vet reports it,
// in one line, and fails; the others succeed quietly with no facts. go vet
// never caches the failed run, so every go vet with the bad flag reports
// it again.
func checkVetFlags(args []string) {
	fs := flag.NewFlagSet("atomicjson", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	analyzer.New(analyzer.DefaultConfig()).Flags.VisitAll(func(f *flag.Flag) { fs.Var(f.Value, f.Name, f.Usage) })
	for _, name := range []string{"json", "fix", "diff", "V", "flags", "test", "v", "all", "source"} {
		if fs.Lookup(name) == nil {
			fs.Bool(name, false, "")
		}
	}
	for name := range driverValueFlags {
		fs.String(name, "", "")
	}
	cfg := args[len(args)-1]
	err := fs.Parse(args[:len(args)-1])
	if err == nil {
		return
	}
	if firstToReport(args) {
		fmt.Fprintf(os.Stderr, "atomicjson: %v (see atomicjson -help for the flags)\n", err)
		os.Exit(2)
	}
	writeEmptyVetx(cfg)
	os.Exit(0)
}

// firstToReport reports whether this is the first run of the parent go
// command with these arguments to report their error: it creates a marker
// file named after the parent's process ID and the flags. Markers older
// than a day are removed on the way.
func firstToReport(args []string) bool {
	dir := filepath.Join(os.TempDir(), "atomicjson-vet-flag-errors")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return true
	}
	if entries, err := os.ReadDir(dir); err == nil {
		for _, e := range entries {
			if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > 24*time.Hour {
				os.Remove(filepath.Join(dir, e.Name()))
			}
		}
	}
	sum := sha256.Sum256([]byte(strings.Join(args[:len(args)-1], "\x00")))
	name := filepath.Join(dir, fmt.Sprintf("%d-%x", os.Getppid(), sum[:8]))
	f, err := os.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return !errors.Is(err, os.ErrExist)
	}
	f.Close()
	return true
}

// writeEmptyVetx writes the empty facts file the go command expects from a
// run on a package.
func writeEmptyVetx(cfgFile string) {
	data, err := os.ReadFile(cfgFile)
	if err != nil {
		return
	}
	var cfg struct{ VetxOutput string }
	if json.NewDecoder(bytes.NewReader(data)).Decode(&cfg) == nil && cfg.VetxOutput != "" {
		os.WriteFile(cfg.VetxOutput, nil, 0o666)
	}
}
