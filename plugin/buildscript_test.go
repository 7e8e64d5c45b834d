package plugin_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/atomicjson/atomicjson/internal/e2e"
)

// copyTree copies the regular files under src into dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestBuildScriptVersion checks the version scripts/build-golangci-lint
// stamps into the binary, which golangci-lint uses to salt its result
// cache: it must change with every file the plugin compiles from this
// module, subdirectories included, and only with those.
func TestBuildScriptVersion(t *testing.T) {
	bash := e2e.LookPath(t, "bash")
	root, err := e2e.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, sub := range []string{"plugin", "analyzer", "scripts"} {
		copyTree(t, filepath.Join(root, sub), filepath.Join(dir, sub))
	}
	for _, f := range []string{"go.mod", "go.sum"} {
		copyTree(t, filepath.Join(root, f), filepath.Join(dir, f))
	}
	version := func() string {
		t.Helper()
		res := e2e.Run(t, dir, e2e.Env(), bash, filepath.Join(dir, "scripts", "build-golangci-lint"), "-version")
		if res.ExitCode != 0 {
			t.Fatalf("build-golangci-lint -version: %s", res)
		}
		return strings.TrimSpace(res.Stdout)
	}
	base := version()
	if !regexp.MustCompile(`^v2\.15\.0-atomicjson-[0-9a-f]{16}$`).MatchString(base) {
		t.Fatalf("version %q, want v2.15.0-atomicjson-<16 hex digits>", base)
	}

	for _, tc := range []struct {
		name    string
		file    string // written with content, then removed again
		changes bool
	}{
		{"file in an analyzer subdirectory", "analyzer/internal/deep/x.go", true},
		{"plugin testdata", "plugin/testdata/src/exts/more.go", true},
		{"non-Go file in the plugin", "plugin/NOTES", true},
		{"root README", "README.md", false},
		{"other command", "cmd/other/main.go", false},
	} {
		e2e.WriteFiles(t, dir, map[string]string{tc.file: "package x\n"})
		if got := version(); (got != base) != tc.changes {
			t.Errorf("%s: version %s, base %s; want changed=%v", tc.name, got, base, tc.changes)
		}
		if err := os.Remove(filepath.Join(dir, tc.file)); err != nil {
			t.Fatal(err)
		}
		if got := version(); got != base {
			t.Errorf("%s removed: version %s, want the base %s again", tc.name, got, base)
		}
	}
	for _, f := range []string{"go.mod", "go.sum", "analyzer/analyzer.go"} {
		path := filepath.Join(dir, f)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		e2e.WriteFiles(t, dir, map[string]string{f: string(data) + "\n"})
		if got := version(); got == base {
			t.Errorf("%s edited: version unchanged", f)
		}
		e2e.WriteFiles(t, dir, map[string]string{f: string(data)})
	}
}

// TestCustomGCLVersion checks that .custom-gcl.yml and the build script
// name the same golangci-lint release.
func TestCustomGCLVersion(t *testing.T) {
	root, err := e2e.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string, re *regexp.Regexp) string {
		data, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		m := re.FindSubmatch(data)
		if m == nil {
			t.Fatalf("%s: no match for %s", name, re)
		}
		return string(m[1])
	}
	gcl := read(".custom-gcl.yml", regexp.MustCompile(`(?m)^version: (\S+)$`))
	script := read("scripts/build-golangci-lint", regexp.MustCompile(`(?m)^default_version=(\S+)$`))
	if gcl != script {
		t.Errorf(".custom-gcl.yml builds golangci-lint %s, scripts/build-golangci-lint %s", gcl, script)
	}
}

// TestBuildScriptInWorkspace runs scripts/build-golangci-lint in a checkout
// that is part of a go.work workspace with another module, where go list -m
// lists both: the script must still recognise the checkout.
func TestBuildScriptInWorkspace(t *testing.T) {
	bash := e2e.LookPath(t, "bash")
	root, err := e2e.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	ws := t.TempDir()
	e2e.WriteFiles(t, ws, map[string]string{
		"go.work":       "go 1.26.0\n\nuse (\n\t" + root + "\n\t./other\n)\n",
		"other/go.mod":  "module example.com/other\n\ngo 1.26.0\n",
		"other/main.go": "package main\n\nfunc main() {}\n",
	})
	env := e2e.Env("GOWORK="+filepath.Join(ws, "go.work"), "GOFLAGS=")
	if res := e2e.Run(t, root, env, "go", "list", "-m"); !strings.Contains(res.Stdout, "example.com/other") {
		t.Fatalf("the workspace does not take effect, the test proves nothing: %s", res)
	}
	res := e2e.Run(t, root, env, bash, filepath.Join(root, "scripts", "build-golangci-lint"), "-version")
	if res.ExitCode != 0 || !regexp.MustCompile(`^v2\.\d+\.\d+-atomicjson-[0-9a-f]{16}\n$`).MatchString(res.Stdout) {
		t.Errorf("-version inside a workspace: want the version, got %s", res)
	}
}
