// Package e2e holds helpers for end-to-end tests that build this module's
// commands and run them, together with the go command, on throwaway modules
// written into temporary directories.
//
// The helpers keep the go command hermetic and offline: throwaway modules
// resolve this module through a replace directive pointing at the checkout,
// and everything else comes from the shared module cache (see [Env]).
package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// ModulePath is the import path of the module these helpers live in.
const ModulePath = "github.com/atomicjson/atomicjson"

// ModuleRoot returns the root directory of the checkout: the nearest
// directory at or above the working directory whose go.mod declares
// [ModulePath]. Tests run in their package's directory, so this finds the
// checkout from any package in it.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && modulePathOf(data) == ModulePath {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("e2e: no go.mod declaring module %s at or above the working directory", ModulePath)
		}
		dir = parent
	}
}

// modulePathOf returns the path on the module line of a go.mod file, or "".
func modulePathOf(gomod []byte) string {
	for line := range strings.Lines(string(gomod)) {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "module"); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}

// Env returns the environment for go commands and tools run on a throwaway
// module: the test's own environment with the workspace ignored, the module
// proxy disabled (a throwaway module must not reach the network: its
// dependencies are this checkout, through a replace, and the module cache),
// go.sum updates allowed, and no toolchain switching. overrides are
// "KEY=value" entries applied last; a later entry wins.
func Env(overrides ...string) []string {
	env := append(os.Environ(),
		"GOWORK=off",
		"GOPROXY=off",
		"GOFLAGS=-mod=mod",
		"GOTOOLCHAIN=local",
	)
	return append(env, overrides...)
}

// WriteFiles writes files, keyed by slash-separated paths relative to dir,
// creating directories as needed.
func WriteFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// NewModule writes a throwaway module named modPath into a fresh temporary
// directory and returns the directory. Its go.mod requires this module at
// v0.0.0, replaced by the checkout at root, and it starts with a copy of the
// checkout's go.sum, so that code importing this module's packages builds
// without the network. files are written as by [WriteFiles]; they must not
// include go.mod.
func NewModule(t testing.TB, root, modPath string, files map[string]string) string {
	t.Helper()
	if _, ok := files["go.mod"]; ok {
		t.Fatal("e2e.NewModule writes go.mod itself")
	}
	dir := t.TempDir()
	gomod := fmt.Sprintf("module %s\n\ngo 1.26\n\nrequire %s v0.0.0\n\nreplace %s => %s\n",
		modPath, ModulePath, ModulePath, filepath.ToSlash(root))
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	WriteFiles(t, dir, map[string]string{"go.mod": gomod, "go.sum": string(sum)})
	WriteFiles(t, dir, files)
	return dir
}

// Snapshot returns the contents of every regular file under dir, keyed by
// slash-separated relative path, to compare a tree before and after a run.
func Snapshot(t testing.TB, dir string) map[string]string {
	t.Helper()
	files := make(map[string]string)
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)] = string(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// Result is the outcome of a finished command.
type Result struct {
	Stdout, Stderr string
	ExitCode       int
}

// String describes the result for failure messages.
func (r Result) String() string {
	return fmt.Sprintf("exit code %d\n--- stdout:\n%s--- stderr:\n%s", r.ExitCode, r.Stdout, r.Stderr)
}

// Run runs name with args in dir under env and returns its result. A
// non-zero exit is a result, not a failure; failing to start the command at
// all fails the test. The command is killed when the test's context ends.
func Run(t testing.TB, dir string, env []string, name string, args ...string) Result {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), name, args...)
	cmd.Dir = dir
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err := cmd.Run()
	res := Result{Stdout: stdout.String(), Stderr: stderr.String()}
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr) && exitErr.Exited():
		res.ExitCode = exitErr.ExitCode()
	default:
		t.Fatalf("running %s %s in %s: %v\n%s", name, strings.Join(args, " "), dir, err, res)
	}
	return res
}

// Build compiles the main package pkg (an import path, or a path relative
// to root such as "./cmd/tool") with the go command in root, writing the
// executable into dir, and returns the executable's path.
func Build(ctx context.Context, root, pkg, dir string) (string, error) {
	name := filepath.Base(pkg)
	if name == "." || name == string(filepath.Separator) {
		return "", fmt.Errorf("e2e: cannot name the executable for package %q", pkg)
	}
	exe := filepath.Join(dir, name)
	if filepath.Separator == '\\' { // an .exe suffix keeps the binary runnable on windows
		exe += ".exe"
	}
	// -buildvcs=false: the binary needs no VCS stamp, and stamping fails in
	// checkouts git refuses to read (another owner, a tarball with no git).
	cmd := exec.CommandContext(ctx, "go", "build", "-buildvcs=false", "-o", exe, pkg)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("e2e: go build %s: %v\n%s", pkg, err, out)
	}
	return exe, nil
}

// TrackInputs lists every directory under dir (except .git) and reads every
// Go source, go.mod and go.sum file in them, so that go test's result cache,
// which keys a cached result on the files and directories the test process
// opens, reruns the test when one of them changes or a file is added. A test whose
// outcome depends on sources that only its child processes read (a linter
// run over the checkout, a build against it) calls this first; without it a
// stale pass would be replayed after those sources change.
func TrackInputs(t testing.TB, dir string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && d.Name() == ".git":
			return filepath.SkipDir
		case d.Type().IsRegular() && isGoInput(d.Name()):
			_, err = os.ReadFile(path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// isGoInput reports whether a file of this name can change what the go
// command builds.
func isGoInput(name string) bool {
	return strings.HasSuffix(name, ".go") || name == "go.mod" || name == "go.sum"
}

// LookPath returns the path of the external program name, as exec.LookPath
// finds it. When it is missing, the test is skipped with a message naming
// the program, except under CI (CI=true), where every tool a test needs is
// installed and a missing one fails the test.
func LookPath(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is required with CI=true: %v", name, err)
	}
	t.Skipf("skipping: %s is not installed (%v); CI=true makes this a failure", name, err)
	return ""
}
