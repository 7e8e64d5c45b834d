package main

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/atomicjson/atomicjson/internal/e2e"
)

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// commands builds atomicjson and atomicjson-hook once per test binary,
// into one directory as go install puts them, and returns the hook's path.
func commands(t *testing.T) string {
	t.Helper()
	root, err := e2e.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	e2e.TrackInputs(t, root)
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "atomicjson-hook-e2e")
		for _, pkg := range []string{"./cmd/atomicjson", "./cmd/atomicjson-hook"} {
			if buildErr == nil {
				_, buildErr = e2e.Build(t.Context(), root, pkg, binDir)
			}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return filepath.Join(binDir, "atomicjson-hook")
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// consumer is a repository without a root module and two modules, svc and
// tools, each with a clean package and a package with a violation.
var consumer = map[string]string{
	"svc/go.mod":       "module example.com/svc\n\ngo 1.26\n",
	"svc/ok/ok.go":     "package ok\n\nimport \"os\"\n\n// Save writes text.\nfunc Save(b []byte) error { return os.WriteFile(\"notes.txt\", b, 0o644) }\n",
	"svc/bad/bad.go":   "package bad\n\nimport \"os\"\n\n// Save writes a map.\nfunc Save(b []byte) error { return os.WriteFile(\"map.geojson\", b, 0o644) }\n",
	"tools/go.mod":     "module example.com/tools\n\ngo 1.26\n",
	"tools/main.go":    "package main\n\nfunc main() {}\n",
	"tools/gen/gen.go": "package gen\n\nimport \"os\"\n\n// Gen writes the config.\nfunc Gen(b []byte) error { return os.WriteFile(\"config.json\", b, 0o644) }\n",
}

const (
	geojsonDiag = `bad.go:6:36: os.WriteFile writes "map.geojson" non-atomically`
	configDiag  = `gen.go:6:35: os.WriteFile writes "config.json" non-atomically`
)

func TestHookCommand(t *testing.T) {
	hook := commands(t)
	dir := t.TempDir()
	e2e.WriteFiles(t, dir, consumer)
	// Only the go command's directory on PATH: the hook must find
	// atomicjson next to itself.
	goCmd := e2e.LookPath(t, "go")
	env := e2e.Env("PATH=" + filepath.Dir(goCmd))
	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		want     []string
		dontWant []string
	}{
		{"clean packages", []string{"svc/ok/ok.go", "tools/main.go"}, 0, nil, []string{"non-atomically"}},
		{"violation in another package of the module is not checked", []string{"svc/ok/ok.go"}, 0, nil, []string{"non-atomically"}},
		{"one violation per module", []string{"svc/ok/ok.go", "tools/gen/gen.go"}, 3, []string{configDiag}, []string{"map.geojson"}},
		{"flags reach the analyzer", []string{"-extensions=.json,.geojson", "svc/bad/bad.go", "tools/gen/gen.go"}, 3, []string{geojsonDiag, configDiag}, nil},
		{"value flag as two arguments", []string{"-extensions", ".geojson", "svc/bad/bad.go", "tools/gen/gen.go"}, 3, []string{geojsonDiag}, []string{"config.json"}},
		{"go.mod selects the whole module", []string{"-extensions=.json,.geojson", "svc/go.mod"}, 3, []string{geojsonDiag}, []string{"config.json"}},
		{"all modules", []string{"-all-modules", "-extensions=.json,.geojson"}, 3, []string{geojsonDiag, configDiag}, nil},
		{"bad flag", []string{"-extensions=", "svc/bad/bad.go"}, 2, []string{"extensions"}, nil},
		{"nothing to check", []string{"README.md"}, 0, []string{"skipping README.md"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := e2e.Run(t, dir, env, hook, tc.args...)
			out := res.Stdout + res.Stderr
			if res.ExitCode != tc.code {
				t.Errorf("exit code %d, want %d:\n%s", res.ExitCode, tc.code, res)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, res)
				}
			}
			for _, w := range tc.dontWant {
				if strings.Contains(out, w) {
					t.Errorf("output has %q:\n%s", w, res)
				}
			}
		})
	}
}

// TestHookWithoutAtomicjson checks the message when the hook is installed
// without the atomicjson command.
func TestHookWithoutAtomicjson(t *testing.T) {
	hook := commands(t)
	alone := filepath.Join(t.TempDir(), "atomicjson-hook")
	data, err := os.ReadFile(hook)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(alone, data, 0o755); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	e2e.WriteFiles(t, dir, consumer)
	res := e2e.Run(t, dir, e2e.Env("PATH="+filepath.Dir(alone)), alone, "svc/bad/bad.go")
	if res.ExitCode != 1 || !strings.Contains(res.Stderr, "the atomicjson command is neither next to atomicjson-hook nor on PATH") {
		t.Errorf("want exit code 1 naming the missing atomicjson command:\n%s", res)
	}
}

// TestHookRootModule checks a repository whose module is at its root: a
// file there selects the package ".", one below it "./dir".
func TestHookRootModule(t *testing.T) {
	hook := commands(t)
	dir := t.TempDir()
	e2e.WriteFiles(t, dir, map[string]string{
		"go.mod":             "module example.com/root\n\ngo 1.26\n",
		"main.go":            "package main\n\nimport \"os\"\n\nfunc main() { _ = os.WriteFile(\"state.json\", nil, 0o644) }\n",
		"internal/db/db.go":  "package db\n\nimport \"os\"\n\n// Dump writes the dump.\nfunc Dump(b []byte) error { return os.WriteFile(\"dump.json\", b, 0o644) }\n",
		"internal/db/doc.go": "// Package db is a database.\npackage db\n",
	})
	res := e2e.Run(t, dir, e2e.Env(), hook, "main.go")
	if res.ExitCode != 3 || !strings.Contains(res.Stderr, `main.go:5:19: os.WriteFile writes "state.json"`) || strings.Contains(res.Stderr, "dump.json") {
		t.Errorf("main.go: want state.json reported, dump.json not:\n%s", res)
	}
	res = e2e.Run(t, dir, e2e.Env(), hook, "internal/db/doc.go")
	if res.ExitCode != 3 || !strings.Contains(res.Stderr, `db.go:6:36: os.WriteFile writes "dump.json"`) || strings.Contains(res.Stderr, "state.json") {
		t.Errorf("internal/db/doc.go: want its package's dump.json reported, state.json not:\n%s", res)
	}
}
