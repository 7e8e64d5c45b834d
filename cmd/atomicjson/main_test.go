package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/atomicjson/atomicjson/internal/e2e"
)

// The end-to-end tests build the atomicjson command once per test process
// and run it, standalone and under go vet, on throwaway modules.

var (
	// root is the checkout; throwaway modules replace our module with it.
	root string
	// tool is the absolute path of the atomicjson binary built from root.
	tool string
)

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	var err error
	if root, err = e2e.ModuleRoot(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	dir, err := os.MkdirTemp("", "atomicjson-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	if tool, err = e2e.Build(context.Background(), root, "./cmd/atomicjson", dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// modPath is the module path of every throwaway module.
const modPath = "example.com/app"

// violation is a package with one non-atomic JSON write, on line 7.
const violation = `package bad

import "os"

// Save writes the configuration.
func Save(data []byte) error {
	return os.WriteFile("config.json", data, 0o644)
}
`

// clean is a package whose only write targets a file that is provably not
// JSON: a linter that merely bans os.WriteFile would report it.
const clean = `package clean

import "os"

// Save writes release notes.
func Save(data []byte) error {
	return os.WriteFile("NOTES.txt", data, 0o644)
}
`

// configDiag matches the diagnostic for violation's write, as printed in
// text form: file:line:column, then the message, which starts with the
// sink's name and the constant path.
var configDiag = regexp.MustCompile(`(?m)^.*bad/bad\.go:7:\d+: os\.WriteFile writes "config\.json" non-atomically`)

// newModule writes a throwaway module holding files and returns its directory.
func newModule(t *testing.T, files map[string]string) string {
	t.Helper()
	return e2e.NewModule(t, root, modPath, files)
}

// lint runs the atomicjson binary in dir.
func lint(t *testing.T, dir string, args ...string) e2e.Result {
	t.Helper()
	return e2e.Run(t, dir, e2e.Env(), tool, args...)
}

// vet runs go vet with the atomicjson binary as its tool in dir; args are
// go vet's flags and packages.
func vet(t *testing.T, dir string, args ...string) e2e.Result {
	t.Helper()
	return e2e.Run(t, dir, e2e.Env(), "go", append([]string{"vet", "-vettool=" + tool}, args...)...)
}

// goCmd runs the go command in dir.
func goCmd(t *testing.T, dir string, args ...string) e2e.Result {
	t.Helper()
	return e2e.Run(t, dir, e2e.Env(), "go", args...)
}

// diagLines returns the lines of text output that are diagnostics, in the
// file:line:column: message form.
func diagLines(out string) []string {
	var diags []string
	for line := range strings.Lines(out) {
		if diagLine.MatchString(line) {
			diags = append(diags, strings.TrimSpace(line))
		}
	}
	return diags
}

var diagLine = regexp.MustCompile(`^.+\.go:\d+:\d+: `)

// jsonDiag is one diagnostic of the -json output.
type jsonDiag struct {
	Posn           string `json:"posn"`
	Message        string `json:"message"`
	SuggestedFixes []struct {
		Message string `json:"message"`
		Edits   []struct {
			Filename string `json:"filename"`
			New      string `json:"new"`
		} `json:"edits"`
	} `json:"suggested_fixes"`
}

// parseJSON decodes -json output, a map from package ID to analyzer name to
// either a list of diagnostics or an error object, into the atomicjson
// diagnostics of each package; an analyzer error fails the test.
func parseJSON(t *testing.T, out string) map[string][]jsonDiag {
	t.Helper()
	var tree map[string]map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &tree); err != nil {
		t.Fatalf("-json output does not parse: %v\n%s", err, out)
	}
	diags := make(map[string][]jsonDiag)
	for pkg, byAnalyzer := range tree {
		raw, ok := byAnalyzer["atomicjson"]
		if !ok {
			continue
		}
		var list []jsonDiag
		if err := json.Unmarshal(raw, &list); err != nil {
			t.Fatalf("package %s: atomicjson result is not a list of diagnostics: %v\n%s", pkg, err, raw)
		}
		diags[pkg] = list
	}
	return diags
}
