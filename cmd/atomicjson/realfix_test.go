package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/atomicjson/atomicjson/internal/e2e"
)

// realFixes holds the shapes of real repositories that broke the fixes:
// import declarations as generated code writes them, two writes in a file,
// a helper whose import path ends in a major version, a parameter named
// like the helper, and an os.Create shape whose error branch is behaviour.
var realFixes = map[string]string{
	"safewrite/v2/safewrite.go": `// Package safewrite is the module's own atomic writer, at major version 2.
package safewrite

import "io/fs"

// WriteFile writes data to name atomically.
func WriteFile(name string, data []byte, perm fs.FileMode) error { return nil }

// WriteJSON writes v to name atomically.
func WriteJSON(name string, v any, perm fs.FileMode) error { return nil }
`,
	// One line, semicolons: the fixes used to panic with overlapping edits.
	"oneline/oneline.go": `package oneline

import ("fmt"; "os")

// Save writes two files; fmt stays in use, os does not.
func Save(b []byte) error {
	fmt.Println("saving")
	if err := os.WriteFile("a.json", b, 0o644); err != nil {
		return err
	}
	return os.WriteFile("b.json", b, 0o644)
}
`,
	// The opening parenthesis on the first spec's line: -fix used to delete
	// the whole "import (" line.
	"paren/paren.go": `package paren

import ("os"
	"fmt"
)

// Save writes a file.
func Save(b []byte) error {
	fmt.Println("saving")
	return os.WriteFile("c.json", b, 0o644)
}
`,
	// A parameter named like the helper's package.
	"shadow/shadow.go": `package shadow

import "os"

// Save writes the file named by safewrite.
func Save(safewrite string, b []byte) error {
	return os.WriteFile(safewrite+".json", b, 0o644)
}
`,
	// The error branch wraps and records: no fix may drop it.
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
`,
}

const v2Helper = "-helper=" + modPath + "/safewrite/v2"

// TestFixRealShapes applies the fixes standalone and under go vet -fix and
// checks, without any other tool's help, that the fixed module builds, that
// the helper is called by its package name under a name free in scope, that
// the recorded error survives, and that -fix exits 3 while a finding remains.
func TestFixRealShapes(t *testing.T) {
	t.Parallel()
	e2e.TrackInputs(t, root)
	before := newModule(t, realFixes)
	if res := lint(t, before, v2Helper, "./..."); res.ExitCode != 3 || len(diagLines(res.Stderr)) != 5 {
		t.Fatalf("before: want exit code 3 and 5 findings, got %s", res)
	}
	for _, run := range []struct {
		name string
		fix  func(dir string) e2e.Result
		code int
	}{
		{"standalone -fix", func(dir string) e2e.Result { return lint(t, dir, v2Helper, "-fix", "./...") }, 3},
		{"go vet -fix", func(dir string) e2e.Result { return vet(t, dir, "-fix", v2Helper, "./...") }, 0},
	} {
		dir := newModule(t, realFixes)
		res := run.fix(dir)
		if res.ExitCode != run.code {
			t.Errorf("%s: want exit code %d, got %s", run.name, run.code, res)
		}
		if run.code == 3 && !regexp.MustCompile(`(?m)^.*record/record\.go:21:\d+: os\.Create writes path non-atomically`).MatchString(res.Stderr) {
			t.Errorf("%s: the finding without a fix is not printed:\n%s", run.name, res.Stderr)
		}
		if b := goCmd(t, dir, "build", "./..."); b.ExitCode != 0 {
			t.Errorf("%s: the fixed module does not build: %s", run.name, b)
		}
		after := e2e.Snapshot(t, dir)
		for name, want := range map[string][]string{
			"oneline/oneline.go": {`safewrite "example.com/app/safewrite/v2"`, `safewrite.WriteFile("a.json", b, 0o644)`, `safewrite.WriteFile("b.json", b, 0o644)`},
			"paren/paren.go":     {`safewrite.WriteFile("c.json", b, 0o644)`, `"fmt"`},
			"shadow/shadow.go":   {`safewrite2 "example.com/app/safewrite/v2"`, `safewrite2.WriteFile(safewrite+".json", b, 0o644)`},
			"record/record.go":   {`return record(fmt.Errorf("%w: %v", ErrSave, err))`, `os.Create(path)`},
		} {
			for _, w := range want {
				if !strings.Contains(after[name], w) {
					t.Errorf("%s: %s lacks %s:\n%s", run.name, name, w, after[name])
				}
			}
		}
		if again := lint(t, dir, v2Helper, "./..."); len(diagLines(again.Stderr)) != 1 {
			t.Errorf("%s: want only the record finding left, got %s", run.name, again)
		}
	}
}

// TestFixExitCodes checks -fix and -fix -diff where nothing or not all can
// be fixed: -fix exits 3 and prints what remains; -fix -diff exits 0 with
// no diff.
func TestFixExitCodes(t *testing.T) {
	t.Parallel()
	unfixable := map[string]string{"w/w.go": `package w

import "os"

// Save writes through a function value: no fix.
func Save(b []byte) error {
	w := os.WriteFile
	return w("v.json", b, 0o644)
}
`}
	dir := newModule(t, unfixable)
	res := lint(t, dir, "-fix", "./...")
	if res.ExitCode != 3 || !strings.Contains(res.Stderr, `w/w.go:8:9: os.WriteFile writes "v.json"`) {
		t.Errorf("-fix with a finding it cannot fix: want exit code 3 and the finding, got %s", res)
	}
	if res := lint(t, dir, "-fix", "-diff", "./..."); res.ExitCode != 0 || res.Stdout != "" {
		t.Errorf("-fix -diff with nothing to fix: want exit code 0 and no diff, got %s", res)
	}
	clean := newModule(t, map[string]string{"clean/clean.go": clean})
	if res := lint(t, clean, "-fix", "./..."); res.ExitCode != 0 || res.Stderr != "" {
		t.Errorf("-fix on clean code: want exit code 0 and no output, got %s", res)
	}
}

// TestTags checks that -tags reaches the package loader, in both spellings.
func TestTags(t *testing.T) {
	t.Parallel()
	dir := newModule(t, map[string]string{"tagged/tagged.go": "//go:build integration\n\n" + strings.Replace(violation, "package bad", "package tagged", 1)})
	want := regexp.MustCompile(`(?m)^.*tagged/tagged\.go:9:\d+: os\.WriteFile writes "config\.json"`)
	for _, args := range [][]string{{"-tags=integration", "./..."}, {"-tags", "integration", "./..."}} {
		if res := lint(t, dir, args...); res.ExitCode != 3 || !want.MatchString(res.Stderr) {
			t.Errorf("atomicjson %s: want exit code 3 and the tagged package's finding, got %s", strings.Join(args, " "), res)
		}
	}
}

// TestVetFlagErrorOnce checks that an invalid flag value under go vet is
// reported once, not once per package of the build.
func TestVetFlagErrorOnce(t *testing.T) {
	t.Parallel()
	dir := newModule(t, map[string]string{"bad/bad.go": violation})
	res := vet(t, dir, "-extensions=", "./...")
	if res.ExitCode == 0 {
		t.Fatalf("want a failure, got %s", res)
	}
	if n := strings.Count(res.Stderr, `invalid value "" for flag -extensions`); n != 1 {
		t.Errorf("want the flag error once, got it %d times:\n%.2000s", n, res.Stderr)
	}
	if strings.Contains(res.Stderr, "Usage:") {
		t.Errorf("want no usage text:\n%.2000s", res.Stderr)
	}
}

// TestReadmeCommandsFailClosed runs the README's go vet command with the
// tool missing from PATH: it must fail, not run the stock vet.
func TestReadmeCommandsFailClosed(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var cmds []string
	for line := range strings.Lines(string(readme)) {
		if strings.HasPrefix(line, "go vet -vettool=") {
			cmd, _, _ := strings.Cut(strings.TrimSpace(line), " #")
			cmds = append(cmds, strings.TrimSpace(cmd))
		}
	}
	if len(cmds) == 0 {
		t.Fatal("README.md shows no go vet -vettool command")
	}
	dir := newModule(t, map[string]string{"clean/clean.go": clean})
	goDir := filepath.Dir(e2e.LookPath(t, "go"))
	for _, cmd := range cmds {
		// The tool is neither installed nor a tool dependency of the module.
		res := e2e.Run(t, dir, e2e.Env("PATH="+goDir+":/usr/bin:/bin"), "sh", "-c", "set -e; "+cmd)
		if res.ExitCode == 0 {
			t.Errorf("%s: with atomicjson missing it succeeds (stock vet ran?): %s", cmd, res)
		}
	}
}
