package plugin_test

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/atomicjson/atomicjson/internal/e2e"
)

// fixModule holds the shapes that golangci-lint --fix used to leave broken:
// two fixes in a file (each kept the import of os), the os.Create shape with
// a wrapped error (the fix dropped it, and fmt with it), import declarations
// as generated code writes them, a helper whose path ends in a major
// version, and a parameter named like the helper.
var fixModule = map[string]string{
	"go.mod": "module example.com/fixes\n\ngo 1.26\n",
	"safewrite/v2/safewrite.go": `// Package safewrite is the module's own atomic writer, at major version 2.
package safewrite

import "io/fs"

// WriteFile writes data to name atomically.
func WriteFile(name string, data []byte, perm fs.FileMode) error { return nil }

// WriteJSON writes v to name atomically.
func WriteJSON(name string, v any, perm fs.FileMode) error { return nil }
`,
	"two/two.go": `package two

import "os"

// Save writes two files.
func Save(b []byte) error {
	if err := os.WriteFile("a.json", b, 0o644); err != nil {
		return err
	}
	return os.WriteFile("b.json", b, 0o644)
}
`,
	"oneline/oneline.go": `package oneline

import ("fmt"; "os")

// Save writes a file.
func Save(b []byte) error {
	fmt.Println("saving")
	return os.WriteFile("c.json", b, 0o644)
}
`,
	"shadow/shadow.go": `package shadow

import "os"

// Save writes the file named by safewrite.
func Save(safewrite string, b []byte) error {
	return os.WriteFile(safewrite+".json", b, 0o644)
}
`,
	"record/record.go": `package record

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
)

// ErrSave marks failed saves.
var ErrSave = errors.New("save failed")

var failures int

func record(err error) error { failures++; return err }

type state struct{ N int }

// Save writes the state.
func Save(path string, s state) error {
	f, err := os.Create(path)
	if err != nil {
		return record(fmt.Errorf("%w: %v", ErrSave, err))
	}
	defer f.Close()
	return json.NewEncoder(f).Encode(s)
}

// SavePlain has the plain shape: return err.
func SavePlain(path string, s state) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return json.NewEncoder(f).Encode(s)
}
`,
}

// TestGolangciLintFix runs golangci-lint --fix with the example
// configuration and checks that the fixed module builds with no import
// cleanup by any formatter, that the helper is named by its package name
// under a free name, that the wrapped error survives, and that the finding
// without a fix is still reported.
func TestGolangciLintFix(t *testing.T) {
	exe, root := golangciLint(t)
	dir := t.TempDir()
	e2e.WriteFiles(t, dir, fixModule)
	dir, _ = filepath.EvalSymlinks(dir)
	cfg := exampleConfig(t, root, "helper: github.com/atomicjson/atomicjson/atomicfs", "helper: example.com/fixes/safewrite/v2")
	cfgPath := filepath.Join(t.TempDir(), "golangci.yml")
	e2e.WriteFiles(t, filepath.Dir(cfgPath), map[string]string{"golangci.yml": cfg})
	env := e2e.Env("GOLANGCI_LINT_CACHE="+t.TempDir(), "NO_COLOR=1")
	res := e2e.Run(t, dir, env, exe, "run", "--fix", "-c", cfgPath, "--path-mode=abs", "--output.text.colors=false", "./...")
	if res.ExitCode != 1 || !regexp.MustCompile(`record\.go:21:\d+: os\.Create writes path non-atomically.*\(atomicjson\)`).MatchString(res.Stdout) {
		t.Errorf("--fix: want exit code 1 and the finding without a fix, got %s", res)
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	if b := e2e.Run(t, dir, e2e.Env(), goTool, "build", "./..."); b.ExitCode != 0 {
		t.Errorf("the fixed module does not build: %s", b)
	}
	after := e2e.Snapshot(t, dir)
	for name, want := range map[string][]string{
		"two/two.go":         {`safewrite "example.com/fixes/safewrite/v2"`, `safewrite.WriteFile("a.json", b, 0o644)`, `safewrite.WriteFile("b.json", b, 0o644)`},
		"oneline/oneline.go": {`safewrite.WriteFile("c.json", b, 0o644)`},
		"shadow/shadow.go":   {`safewrite2 "example.com/fixes/safewrite/v2"`, `safewrite2.WriteFile(safewrite+".json", b, 0o644)`},
		"record/record.go":   {`return record(fmt.Errorf("%w: %v", ErrSave, err))`, `return safewrite.WriteJSON(path, s, 0o666)`},
	} {
		for _, w := range want {
			if !strings.Contains(after[name], w) {
				t.Errorf("%s lacks %s:\n%s", name, w, after[name])
			}
		}
	}
	if strings.Contains(after["two/two.go"], `"os"`) {
		t.Errorf("two/two.go still imports os:\n%s", after["two/two.go"])
	}
}

// visibility has five calls of one wrapper, whose findings read alike, a
// write that gosec reports on the same line (G306), and generated files:
// one with the standard header, which every driver skips, and one whose
// comment only mentions generation, which every driver checks.
var visibility = map[string]string{
	"go.mod": "module example.com/visible\n\ngo 1.26\n",
	"store/store.go": `// Package store has a wrapper.
package store

import "os"

// Save writes data to path.
func Save(path string, data []byte) error { return os.WriteFile(path, data, 0o600) }
`,
	"main.go": `package main

import (
	"os"

	"example.com/visible/store"
)

func main() {
	_ = store.Save("a.json", nil)
	_ = store.Save("b.json", nil)
	_ = store.Save("c.json", nil)
	_ = store.Save("d.json", nil)
	_ = store.Save("e.json", nil)
	_ = os.WriteFile("config.json", nil, 0o644)
}
`,
	"gen.go":    "// Code generated by gen; DO NOT EDIT.\n\npackage main\n\nimport \"os\"\n\nfunc generated() { _ = os.WriteFile(\"generated.json\", nil, 0o600) }\n",
	"notgen.go": "// This file was hand-written; the generator does not edit it.\n// Do not edit the table below by hand.\n\npackage main\n\nimport \"os\"\n\nfunc handWritten() { _ = os.WriteFile(\"hand.json\", nil, 0o600) }\n",
}

// TestGolangciLintShowsEveryFinding checks that the example configuration
// shows all five wrapper findings (max-same-issues would keep three), the
// finding gosec shares a line with (uniq-by-line would keep one), and
// skips generated files as the other drivers do.
func TestGolangciLintShowsEveryFinding(t *testing.T) {
	exe, root := golangciLint(t)
	dir := t.TempDir()
	e2e.WriteFiles(t, dir, visibility)
	dir, _ = filepath.EvalSymlinks(dir)
	cfg := exampleConfig(t, root, "    - atomicjson\n", "    - atomicjson\n    - gosec\n")
	res := lintResult(t, exe, t.TempDir(), dir, cfg, "./...")
	if n := strings.Count(res.Stdout, "store.Save writes"); n != 5 {
		t.Errorf("want the 5 wrapper findings, got %d:\n%s", n, res)
	}
	if !regexp.MustCompile(`main\.go:15:\d+: os\.WriteFile writes "config\.json".*\(atomicjson\)`).MatchString(res.Stdout) ||
		!regexp.MustCompile(`main\.go:15:\d+: G306.*\(gosec\)`).MatchString(res.Stdout) {
		t.Errorf("want atomicjson and gosec on main.go:15:\n%s", res)
	}
	if strings.Contains(res.Stdout, "generated.json") {
		t.Errorf("the generated file is reported:\n%s", res)
	}
	if !strings.Contains(res.Stdout, `"hand.json"`) {
		t.Errorf("the hand-written file that mentions generation is not reported (generated: lax?):\n%s", res)
	}
}
