package e2e

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestModulePathOf(t *testing.T) {
	for _, tc := range []struct{ gomod, want string }{
		{"module example.com/m\n\ngo 1.26\n", "example.com/m"},
		{"// comment\nmodule \"example.com/quoted\"\n", "example.com/quoted"},
		{"  module   example.com/spaced  \n", "example.com/spaced"},
		{"go 1.26\n", ""},
	} {
		if got := modulePathOf([]byte(tc.gomod)); got != tc.want {
			t.Errorf("modulePathOf(%q) = %q, want %q", tc.gomod, got, tc.want)
		}
	}
}

func TestModuleRoot(t *testing.T) {
	root, err := ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	if filepath.Join(root, "internal", "e2e") != wd {
		t.Errorf("ModuleRoot() = %s, working directory %s is not its internal/e2e", root, wd)
	}
}

func TestRunExitCodes(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("uses sh")
	}
	sh := LookPath(t, "sh")
	dir := t.TempDir()
	res := Run(t, dir, os.Environ(), sh, "-c", "pwd -P; echo oops >&2; exit 7")
	if res.ExitCode != 7 || res.Stderr != "oops\n" {
		t.Errorf("got %s", res)
	}
	if want, _ := filepath.EvalSymlinks(dir); res.Stdout != want+"\n" {
		t.Errorf("ran in %q, want %q", res.Stdout, want)
	}
	if res := Run(t, dir, os.Environ(), sh, "-c", "true"); res.ExitCode != 0 {
		t.Errorf("got %s", res)
	}
}

func TestNewModuleAndSnapshot(t *testing.T) {
	root, err := ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := NewModule(t, root, "example.com/x", map[string]string{"a/a.go": "package a\n"})
	files := Snapshot(t, dir)
	if files["a/a.go"] != "package a\n" {
		t.Errorf("a/a.go = %q", files["a/a.go"])
	}
	if got := modulePathOf([]byte(files["go.mod"])); got != "example.com/x" {
		t.Errorf("go.mod declares %q:\n%s", got, files["go.mod"])
	}
	if len(files) != 3 {
		t.Errorf("want go.mod, go.sum and a/a.go, got %d files", len(files))
	}
	// The module builds offline against the checkout.
	if res := Run(t, dir, Env(), "go", "list", "-m", "all"); res.ExitCode != 0 {
		t.Errorf("go list -m all: %s", res)
	}
}
