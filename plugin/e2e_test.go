package plugin_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/atomicjson/atomicjson/internal/e2e"
)

// Environment variables that hand the end-to-end tests a custom
// golangci-lint binary.
const (
	// binaryEnv names a golangci-lint binary built with this plugin (CI sets
	// it to the output of scripts/build-golangci-lint).
	binaryEnv = "ATOMICJSON_GOLANGCI_LINT"
	// buildEnv=1 lets the tests run scripts/build-golangci-lint themselves
	// (seconds when bin/golangci-lint is up to date, minutes when cold).
	buildEnv = "ATOMICJSON_BUILD_GOLANGCI_LINT"
)

// golangciLint returns the custom golangci-lint binary and the checkout's
// root. Without one the test is skipped, naming the tool, except under
// CI=true, where it fails.
func golangciLint(t *testing.T) (exe, root string) {
	t.Helper()
	root, err := e2e.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	// The outcome depends on the plugin and analyzer sources, which only the
	// binary reads: make go test's result cache see them.
	e2e.TrackInputs(t, root)
	switch {
	case os.Getenv(binaryEnv) != "":
		exe = os.Getenv(binaryEnv)
	case os.Getenv(buildEnv) == "1":
		cmd := exec.CommandContext(t.Context(), filepath.Join(root, "scripts", "build-golangci-lint"))
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("scripts/build-golangci-lint: %v", err)
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		exe = lines[len(lines)-1]
	case os.Getenv("CI") == "true":
		t.Fatalf("custom golangci-lint (scripts/build-golangci-lint) is required with CI=true: set %s to its path", binaryEnv)
	default:
		t.Skipf("skipping: needs the custom golangci-lint (scripts/build-golangci-lint); set %s to its path, or %s=1 to build it; CI=true makes this a failure", binaryEnv, buildEnv)
	}
	if _, err := os.Stat(exe); err != nil { // also keys go test's cache on the binary
		t.Fatalf("custom golangci-lint: %v", err)
	}
	res := e2e.Run(t, root, os.Environ(), exe, "version")
	if res.ExitCode != 0 || !strings.Contains(res.Stdout+res.Stderr, "-atomicjson-") {
		t.Fatalf("%s is not a golangci-lint built by scripts/build-golangci-lint:\n%s", exe, res)
	}
	return exe, root
}

// exampleConfig returns .golangci.example.yml with the settings lines
// replaced as given (old line → new line), so the tests run the
// configuration users copy and notice when it changes shape.
func exampleConfig(t *testing.T, root string, replace ...string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, ".golangci.example.yml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(data)
	for i := 0; i+1 < len(replace); i += 2 {
		if strings.Count(cfg, replace[i]) != 1 {
			t.Fatalf(".golangci.example.yml: want exactly one %q", replace[i])
		}
		cfg = strings.Replace(cfg, replace[i], replace[i+1], 1)
	}
	return cfg
}

// lintResult runs golangci-lint with config cfg on the packages matching
// pattern in dir, with its result cache in cacheDir, and returns the result.
// golangci-lint salts that cache with its version and the linter settings,
// so runs with different settings may share it.
func lintResult(t *testing.T, exe, cacheDir, dir, cfg, pattern string) e2e.Result {
	t.Helper()
	cfgPath := filepath.Join(t.TempDir(), "golangci.yml")
	e2e.WriteFiles(t, filepath.Dir(cfgPath), map[string]string{"golangci.yml": cfg})
	env := e2e.Env("GOLANGCI_LINT_CACHE="+cacheDir, "NO_COLOR=1")
	return e2e.Run(t, dir, env, exe, "run", "-c", cfgPath, "--path-mode=abs", "--output.text.colors=false", pattern)
}

// sample is a module with one write per case the tests tell apart.
var sample = map[string]string{
	"go.mod": "module example.com/sample\n\ngo 1.26\n",
	"main.go": `package main

import (
	"os"

	"example.com/sample/store"
)

func main() {
	data := []byte("{}")
	_ = store.Save("state.json", data)
	_ = os.WriteFile("config.json", data, 0o644)
	_ = os.WriteFile("map.geojson", data, 0o644)
	_ = os.WriteFile("other.json", data, 0o644) //nolint:errcheck // names another linter: still reported
	_ = os.WriteFile("quiet.json", data, 0o644) //nolint:atomicjson // suppressed
	//atomicjson:ignore written once, before anything reads it
	_ = os.WriteFile("seed.json", data, 0o644)
}
`,
	"main_test.go": `package main

import (
	"os"
	"testing"
)

func TestWrite(t *testing.T) {
	_ = os.WriteFile("fixture.json", nil, 0o644)
}
`,
	"store/store.go": `// Package store has a wrapper: the facts it exports reach main.
package store

import "os"

// Save writes data to path.
func Save(path string, data []byte) error { return os.WriteFile(path, data, 0o600) }
`,
	"clean/clean.go": `// Package clean writes no JSON non-atomically.
package clean

import "os"

func Save(data []byte) error { return os.WriteFile("notes.txt", data, 0o644) }
`,
}

// reportedTargets returns the targets of the atomicjson diagnostics in
// golangci-lint's text output, checking that each line carries the linter
// name and points into dir.
func reportedTargets(t *testing.T, out, dir string) []string {
	t.Helper()
	re := regexp.MustCompile(`(?m)^(.*):\d+:\d+: os\.WriteFile writes "([^"]+)" non-atomically: .*\(atomicjson\)$`)
	var targets []string
	for _, m := range re.FindAllStringSubmatch(out, -1) {
		if !strings.HasPrefix(m[1], dir) {
			t.Errorf("diagnostic outside the sample module: %s", m[0])
		}
		targets = append(targets, m[2])
	}
	return targets
}

func TestGolangciLintPlugin(t *testing.T) {
	exe, root := golangciLint(t)
	dir := t.TempDir()
	e2e.WriteFiles(t, dir, sample)
	dir, _ = filepath.EvalSymlinks(dir)
	cache := t.TempDir()

	t.Run("example config", func(t *testing.T) {
		res := lintResult(t, exe, cache, dir, exampleConfig(t, root), "./...")
		got := reportedTargets(t, res.Stdout, dir)
		want := []string{"config.json", "other.json"}
		if res.ExitCode != 1 || strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("reported %q, want %q with exit code 1:\n%s", got, want, res)
		}
		// The wrapper's fact crosses from package store to main.
		wrapper := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(filepath.Join(dir, "main.go")) + `:\d+:\d+: store\.Save writes "[^"]+" non-atomically: .*\(atomicjson\)$`)
		if !wrapper.MatchString(res.Stdout) {
			t.Errorf("no report of the call to the wrapper store.Save in main.go:\n%s", res)
		}
	})
	t.Run("settings", func(t *testing.T) {
		cfg := exampleConfig(t, root,
			`extensions: [".json"]`, `extensions: [".json", ".geojson"]`,
			`include-tests: false`, `include-tests: true`)
		res := lintResult(t, exe, cache, dir, cfg, "./...")
		got := reportedTargets(t, res.Stdout, dir)
		want := []string{"config.json", "map.geojson", "other.json", "fixture.json"}
		if res.ExitCode != 1 || strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("reported %q, want %q with exit code 1:\n%s", got, want, res)
		}
	})
	t.Run("unknown setting", func(t *testing.T) {
		cfg := exampleConfig(t, root, `include-tests: false`, `include-test: false`)
		res := lintResult(t, exe, cache, dir, cfg, "./...")
		if res.ExitCode == 0 || res.ExitCode == 1 || !strings.Contains(res.Stderr, `unknown field "include-test"`) {
			t.Errorf("want a configuration error naming include-test:\n%s", res)
		}
	})
	t.Run("clean package", func(t *testing.T) {
		res := lintResult(t, exe, cache, dir, exampleConfig(t, root), "./clean/...")
		if res.ExitCode != 0 || strings.Contains(res.Stdout, "atomicjson") {
			t.Errorf("want a clean run:\n%s", res)
		}
	})
}
