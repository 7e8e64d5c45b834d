package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atomicjson/atomicjson/internal/e2e"
)

// pinned is a repository whose tools module has only a tools.go behind
// //go:build tools, the common way to pin tools, next to a module with a
// package for another OS, a package behind an integration tag with a
// violation, and a package with a violation.
var pinned = map[string]string{
	"tools/go.mod":   "module example.com/tools\n\ngo 1.26\n",
	"tools/tools.go": "//go:build tools\n\npackage tools\n\nimport _ \"example.com/tools/none\"\n",
	"app/go.mod":     "module example.com/app\n\ngo 1.26\n",
	"app/win/win.go": "//go:build windows\n\npackage win\n\nimport \"os\"\n\n// Save writes the state.\nfunc Save(b []byte) error { return os.WriteFile(\"state.json\", b, 0o644) }\n",
	"app/it/it.go":   "//go:build integration\n\npackage it\n\nimport \"os\"\n\n// Save writes the fixture.\nfunc Save(b []byte) error { return os.WriteFile(\"fixture.json\", b, 0o644) }\n",
	"app/bad/bad.go": "package bad\n\nimport \"os\"\n\n// Save writes the config.\nfunc Save(b []byte) error { return os.WriteFile(\"config.json\", b, 0o644) }\n",
}

// TestHookNothingToLint checks that files with nothing buildable under the
// current tags and GOOS never fail the hook, that -tags reaches both the
// package selection and the analyzer in both spellings, and that a failure
// names its module.
func TestHookNothingToLint(t *testing.T) {
	hook := commands(t)
	dir := t.TempDir()
	e2e.WriteFiles(t, dir, pinned)
	env := e2e.Env("PATH=" + filepath.Dir(e2e.LookPath(t, "go")))
	const fixture = `it.go:8:36: os.WriteFile writes "fixture.json"`
	for _, tc := range []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"tools module", []string{"tools/go.mod", "tools/tools.go"}, 0, []string{"module example.com/tools: nothing to lint"}},
		{"package for another OS", []string{"app/win/win.go"}, 0, []string{"module example.com/app: nothing to lint"}},
		{"tagged package without its tag", []string{"app/it/it.go"}, 0, nil},
		{"-tags=integration", []string{"-tags=integration", "app/it/it.go"}, 3, []string{fixture, "module example.com/app"}},
		{"-tags integration", []string{"-tags", "integration", "app/it/it.go"}, 3, []string{fixture}},
		{"all modules", []string{"-all-modules"}, 3, []string{`bad.go:6:36: os.WriteFile writes "config.json"`, "module example.com/app (", "module example.com/tools: nothing to lint"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := e2e.Run(t, dir, env, hook, tc.args...)
			if res.ExitCode != tc.code {
				t.Errorf("exit code %d, want %d:\n%s", res.ExitCode, tc.code, res)
			}
			for _, w := range tc.want {
				if !strings.Contains(res.Stdout+res.Stderr, w) {
					t.Errorf("output lacks %q:\n%s", w, res)
				}
			}
			if strings.Contains(res.Stderr, "matched no packages") || strings.Contains(res.Stderr, "build constraints exclude") {
				t.Errorf("the go command's complaint reaches the user:\n%s", res)
			}
		})
	}
}

// TestHookSplitRuns runs the hook as pre-commit does when it splits a long
// file list: several runs with the same parent and PRE_COMMIT=1. A package
// whose files fall into two runs, or whose module's go.mod is in another
// run, is linted and reported once.
func TestHookSplitRuns(t *testing.T) {
	hook := commands(t)
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":     "module example.com/split\n\ngo 1.26\n",
		"big/bad.go": "package big\n\nimport \"os\"\n\n// Save writes the config.\nfunc Save(b []byte) error { return os.WriteFile(\"config.json\", b, 0o644) }\n",
	}
	for i := range 4 {
		files[fmt.Sprintf("big/f%d.go", i)] = fmt.Sprintf("package big\n\n// N%d is a number.\nconst N%d = %d\n", i, i, i)
	}
	e2e.WriteFiles(t, dir, files)
	env := e2e.Env("PRE_COMMIT=1")
	first := e2e.Run(t, dir, env, hook, "big/bad.go", "big/f0.go")
	if first.ExitCode != 3 || strings.Count(first.Stderr, `os.WriteFile writes "config.json"`) != 1 {
		t.Fatalf("first run: want exit code 3 and the finding, got %s", first)
	}
	for _, args := range [][]string{{"big/f1.go", "big/f2.go"}, {"go.mod", "big/f3.go"}} {
		if res := e2e.Run(t, dir, env, hook, args...); res.ExitCode != 0 || strings.Contains(res.Stderr, "config.json") {
			t.Errorf("later run %v of the same hook run: want exit code 0 and no finding again, got %s", args, res)
		}
	}
	// Outside pre-commit every run stands alone.
	if res := e2e.Run(t, dir, e2e.Env(), hook, "big/f1.go"); res.ExitCode != 3 {
		t.Errorf("a run outside pre-commit: want the finding, got %s", res)
	}
}
