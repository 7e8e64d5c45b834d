package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/atomicjson/atomicjson/internal/e2e"
)

// TestVet runs the binary as go vet's tool: go vet prints the diagnostic
// on stderr and exits 1, and exits 0 on clean code.
func TestVet(t *testing.T) {
	t.Parallel()
	dir := newModule(t, map[string]string{"bad/bad.go": violation, "clean/clean.go": clean})

	res := vet(t, dir, "./...")
	if res.ExitCode != 1 {
		t.Fatalf("want exit status 1, got %s", res)
	}
	if !configDiag.MatchString(res.Stderr) {
		t.Errorf("stderr lacks the diagnostic matching %s:\n%s", configDiag, res.Stderr)
	}
	if d := diagLines(res.Stderr); len(d) != 1 {
		t.Errorf("want exactly one diagnostic, got %d:\n%s", len(d), res.Stderr)
	}

	if res := vet(t, dir, "./clean"); res.ExitCode != 0 || res.Stderr != "" {
		t.Errorf("clean package: want exit status 0 and no output, got %s", res)
	}
}

// TestVetCleanModule checks that go vet passes a module without JSON writes.
func TestVetCleanModule(t *testing.T) {
	t.Parallel()
	dir := newModule(t, map[string]string{"clean/clean.go": clean})
	if res := vet(t, dir, "./..."); res.ExitCode != 0 || res.Stderr != "" || res.Stdout != "" {
		t.Fatalf("want exit status 0 and no output, got %s", res)
	}
}

// geo writes a GeoJSON file: JSON only when -extensions says so.
const geo = `package geo

import "os"

// Save writes the map.
func Save(data []byte) error {
	return os.WriteFile("map.geojson", data, 0o644)
}
`

var geoDiag = regexp.MustCompile(`(?m)^.*geo/geo\.go:7:\d+: os\.WriteFile writes "map\.geojson" non-atomically`)

// TestVetFlags passes an analyzer flag through go vet and proves that go
// vet's result cache, keyed on the tool's flags, never replays a result
// computed under other flags: a clean result is cached, the same package
// vetted with -extensions=.json,.geojson must be reported, and the default
// flags must then be clean again, served from the cache.
func TestVetFlags(t *testing.T) {
	t.Parallel()
	dir := newModule(t, map[string]string{"geo/geo.go": geo})

	if res := vet(t, dir, "./..."); res.ExitCode != 0 || res.Stderr != "" {
		t.Fatalf("default extensions: .geojson is not JSON, want exit status 0 and no output, got %s", res)
	}
	// The same run again must be a cache hit: go vet -x prints each command
	// it runs, and it does not run the tool on the package.
	res := vet(t, dir, "-x", "./...")
	if res.ExitCode != 0 || toolRuns(res.Stderr, "geo") != 0 {
		t.Fatalf("repeated run: want exit status 0 from go vet's cache without running the tool on geo, got %s", res)
	}

	res = vet(t, dir, "-x", "-extensions=.json,.geojson", "./...")
	if res.ExitCode != 1 || !geoDiag.MatchString(res.Stderr) {
		t.Fatalf("-extensions=.json,.geojson: want exit status 1 and the diagnostic matching %s, got %s", geoDiag, res)
	}
	if toolRuns(res.Stderr, "geo") != 1 {
		t.Errorf("-extensions=.json,.geojson: want go vet to run the tool on geo once, got -x output:\n%s", res.Stderr)
	}

	res = vet(t, dir, "./...")
	if res.ExitCode != 0 || res.Stderr != "" {
		t.Fatalf("default extensions after -extensions run: want exit status 0 and no output, got %s", res)
	}
}

// toolRuns counts the runs of the atomicjson binary on package dir (a
// directory name) in go vet -x output, which prints "cd <package dir>"
// before the tool's command line, "<tool> [flags] $WORK/.../vet.cfg".
func toolRuns(xout, dir string) int {
	n := 0
	var cwd string
	for line := range strings.Lines(xout) {
		line = strings.TrimSpace(line)
		if d, ok := strings.CutPrefix(line, "cd "); ok {
			cwd = d
			continue
		}
		if strings.Contains(line, tool) && strings.HasSuffix(line, "vet.cfg") && strings.HasSuffix(cwd, "/"+dir) {
			n++
		}
	}
	return n
}

// TestVetFacts checks that a wrapper in one package is reported where
// another package calls it with a JSON path: go vet analyzes one package
// per process, so this works only through the facts it carries between
// them. The standalone driver must agree.
func TestVetFacts(t *testing.T) {
	t.Parallel()
	dir := newModule(t, map[string]string{
		"store/store.go": `package store

import "os"

// Put writes data to path.
func Put(path string, data []byte) error {
	return os.WriteFile(path, data, 0o644)
}
`,
		"app/app.go": `package app

import "example.com/app/store"

// Save writes the settings and a readme.
func Save(data []byte) error {
	if err := store.Put("README.txt", data); err != nil {
		return err
	}
	return store.Put("settings.json", data)
}
`,
	})
	// The diagnostic is on the call of the wrapper, line 10 of app.go, and
	// names the wrapper; the README.txt call on line 7 is not JSON.
	want := regexp.MustCompile(`(?m)^.*app/app\.go:10:\d+: \S*Put\b.*non-atomically`)

	res := vet(t, dir, "./...")
	if res.ExitCode != 1 || !want.MatchString(res.Stderr) {
		t.Errorf("go vet: want exit status 1 and a diagnostic matching %s, got %s", want, res)
	}
	if d := diagLines(res.Stderr); len(d) != 1 {
		t.Errorf("go vet: want exactly one diagnostic, got %d:\n%s", len(d), res.Stderr)
	}

	res = lint(t, dir, "./...")
	if res.ExitCode != 3 || !want.MatchString(res.Stderr) {
		t.Errorf("standalone: want exit code 3 and a diagnostic matching %s, got %s", want, res)
	}
	if d := diagLines(res.Stderr); len(d) != 1 {
		t.Errorf("standalone: want exactly one diagnostic, got %d:\n%s", len(d), res.Stderr)
	}
}

// TestVetToolDependency follows the documented setup for a module that pins
// atomicjson as a tool dependency: go get -tool, then go vet with the path
// that go tool -n prints.
func TestVetToolDependency(t *testing.T) {
	t.Parallel()
	e2e.TrackInputs(t, root) // go tool builds the command from the checkout
	dir := newModule(t, map[string]string{"bad/bad.go": violation})

	if res := goCmd(t, dir, "get", "-tool", e2e.ModulePath+"/cmd/atomicjson"); res.ExitCode != 0 {
		t.Fatalf("go get -tool: %s", res)
	}
	res := goCmd(t, dir, "tool", "-n", "atomicjson")
	path := strings.TrimSpace(res.Stdout)
	if res.ExitCode != 0 || !filepath.IsAbs(path) {
		t.Fatalf("go tool -n atomicjson: want the absolute path of the binary, got %s", res)
	}
	res = e2e.Run(t, dir, e2e.Env(), "go", "vet", "-vettool="+path, "./...")
	if res.ExitCode != 1 || !configDiag.MatchString(res.Stderr) {
		t.Fatalf("go vet -vettool=$(go tool -n atomicjson): want exit status 1 and the diagnostic matching %s, got %s", configDiag, res)
	}
}
