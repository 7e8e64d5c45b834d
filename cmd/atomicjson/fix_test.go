package main

import (
	"maps"
	"strings"
	"testing"

	"github.com/atomicjson/atomicjson/internal/e2e"
)

// fixable holds the writes the suggested fixes rewrite: in config.go the
// two rewrites together leave package os unused, so its import must go; in
// state.go io/ioutil becomes unused while os stays in use; index.go has the
// os.Create and json.Encoder shape that becomes atomicfs.WriteJSON.
var fixable = map[string]string{
	"store/index.go": `package store

import (
	"encoding/json"
	"os"
)

// Index lists the posts.
type Index struct{ Posts []string }

// SaveIndex writes the index to path.
func SaveIndex(path string, idx Index) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return json.NewEncoder(f).Encode(idx)
}
`,
	"store/config.go": `package store

import "os"

// SaveConfig writes the configuration and its defaults.
func SaveConfig(data, defaults []byte) error {
	if err := os.WriteFile("defaults.json", defaults, 0o644); err != nil {
		return err
	}
	return os.WriteFile("config.json", data, 0o644)
}
`,
	// With a test file the driver analyzes the package twice (store and
	// store [store.test]) and must merge the identical fixes.
	"store/store_test.go": `package store

import "testing"

func TestNothing(t *testing.T) {}
`,
	"store/state.go": `package store

import (
	"io/ioutil"
	"os"
	"path/filepath"
)

// SaveState writes the state file under dir.
func SaveState(dir string, data []byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return ioutil.WriteFile(filepath.Join(dir, "state.json"), data, 0o600)
}
`,
}

const atomicfsImport = `"github.com/atomicjson/atomicjson/atomicfs"`

// fixed names, for each file of fixable that has writes, the calls its
// fixes must introduce.
var fixed = map[string][]string{
	"store/config.go": {`atomicfs.WriteFile("defaults.json", defaults, 0o644)`, `atomicfs.WriteFile("config.json", data, 0o644)`},
	"store/state.go":  {`atomicfs.WriteFile(filepath.Join(dir, "state.json"), data, 0o600)`},
	"store/index.go":  {`atomicfs.WriteJSON(path, idx, `},
}

// TestFix applies the suggested fixes with -fix and checks that the result
// uses atomicfs, compiles against this checkout, and lints clean.
func TestFix(t *testing.T) {
	t.Parallel()
	e2e.TrackInputs(t, root) // the fixed code builds against the checkout's atomicfs
	dir := newModule(t, fixable)

	before := lint(t, dir, "./...")
	if before.ExitCode != 3 || len(diagLines(before.Stderr)) != 4 {
		t.Fatalf("before -fix: want exit code 3 and 4 diagnostics, got %s", before)
	}

	res := lint(t, dir, "-fix", "./...")
	if res.ExitCode != 0 {
		t.Fatalf("-fix: want exit code 0, got %s", res)
	}
	after := e2e.Snapshot(t, dir)
	for name, calls := range fixed {
		src := after[name]
		if src == fixable[name] {
			t.Errorf("%s: -fix changed nothing", name)
			continue
		}
		if !strings.Contains(src, atomicfsImport) {
			t.Errorf("%s: want the import of atomicfs, got:\n%s", name, src)
		}
		for _, call := range calls {
			if !strings.Contains(src, call) {
				t.Errorf("%s: want %s, got:\n%s", name, call, src)
			}
		}
		for _, gone := range []string{"ioutil", "os.WriteFile", "os.Create", "json.NewEncoder"} {
			if strings.Contains(src, gone) {
				t.Errorf("%s: %s is still there after the fix:\n%s", name, gone, src)
			}
		}
	}
	if !strings.Contains(after["store/state.go"], "os.MkdirAll") {
		t.Errorf("state.go: the fix touched the unrelated os.MkdirAll:\n%s", after["store/state.go"])
	}

	if b := goCmd(t, dir, "build", "./..."); b.ExitCode != 0 {
		t.Fatalf("fixed module does not build: %s\n%s\n%s\n%s", b, after["store/config.go"], after["store/state.go"], after["store/index.go"])
	}
	if v := goCmd(t, dir, "vet", "./..."); v.ExitCode != 0 {
		t.Errorf("fixed module fails the standard go vet: %s", v)
	}
	if again := lint(t, dir, "./..."); again.ExitCode != 0 || again.Stderr != "" || again.Stdout != "" {
		t.Errorf("second lint after -fix: want exit code 0 and no output, got %s", again)
	}
}

// TestFixDiff checks that -fix -diff prints the fixes as a unified diff,
// leaves every file as it was and, as go vet -fix -diff does, exits 1 when
// the diff is not empty.
func TestFixDiff(t *testing.T) {
	t.Parallel()
	dir := newModule(t, fixable)
	before := e2e.Snapshot(t, dir)

	res := lint(t, dir, "-fix", "-diff", "./...")
	if res.ExitCode != 1 {
		t.Fatalf("-fix -diff: want exit code 1 (a diff), got %s", res)
	}
	for _, want := range []string{
		"--- ", "+++ ", "@@ ",
		"-\treturn os.WriteFile(\"config.json\", data, 0o644)",
		"+\tif err := atomicfs.WriteFile(\"defaults.json\", defaults, 0o644); err != nil {",
		"+\treturn atomicfs.WriteFile(\"config.json\", data, 0o644)",
		"-\treturn ioutil.WriteFile(",
		"+\treturn atomicfs.WriteFile(filepath.Join(dir, \"state.json\"), data, 0o600)",
		"+\t" + atomicfsImport,
		"-\tf, err := os.Create(path)",
		"+\treturn atomicfs.WriteJSON(path, idx, ",
	} {
		if !strings.Contains(res.Stdout, want) {
			t.Errorf("diff lacks %q:\n%s", want, res.Stdout)
		}
	}
	if after := e2e.Snapshot(t, dir); !maps.Equal(before, after) {
		t.Errorf("-fix -diff changed files on disk")
	}
}
