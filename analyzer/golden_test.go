package analyzer_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoldenFilesCompile builds the expected output of every suggested fix
// (the .golden files) against the stub helper packages: a fix that does not
// compile is a broken fix even when it matches its golden file.
func TestGoldenFilesCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds packages with the go command")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		needTool(t, "the go command")
	}
	src := filepath.Join(testdata(), "src")
	gopath := t.TempDir()
	var pkgs []string
	for _, pkg := range []string{"fixes", "customhelper", "syncfix"} {
		matches, err := filepath.Glob(filepath.Join(src, pkg, "*.go"))
		if err != nil || len(matches) == 0 {
			t.Fatalf("no Go files in %s: %v", pkg, err)
		}
		for _, m := range matches {
			from := m
			if _, err := os.Stat(m + ".golden"); err == nil {
				from = m + ".golden"
			}
			copyFile(t, from, filepath.Join(gopath, "src", pkg, filepath.Base(m)))
		}
		pkgs = append(pkgs, pkg)
	}
	for _, stub := range []string{"github.com/atomicjson/atomicjson/atomicfs", "example.com/safeio"} {
		matches, _ := filepath.Glob(filepath.Join(src, stub, "*.go"))
		for _, m := range matches {
			copyFile(t, m, filepath.Join(gopath, "src", stub, filepath.Base(m)))
		}
	}
	cmd := exec.Command(goTool, append([]string{"vet"}, pkgs...)...)
	cmd.Dir = filepath.Join(gopath, "src")
	cmd.Env = append(os.Environ(), "GOPATH="+gopath, "GO111MODULE=off", "GOFLAGS=", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("fixed code does not build: %v\n%s", err, strings.TrimSpace(string(out)))
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
