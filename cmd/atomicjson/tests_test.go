package main

import (
	"regexp"
	"testing"
)

// TestIncludeTests checks the boolean flag -include-tests, standalone and
// passed through go vet: writes in _test.go files are reported only with it.
func TestIncludeTests(t *testing.T) {
	t.Parallel()
	dir := newModule(t, map[string]string{
		"fixture/fixture.go": "// Package fixture has only tests.\npackage fixture\n",
		"fixture/fixture_test.go": `package fixture

import (
	"os"
	"testing"
)

func TestGolden(t *testing.T) {
	if err := os.WriteFile("golden.json", []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
}
`,
	})
	want := regexp.MustCompile(`(?m)^.*fixture/fixture_test\.go:9:\d+: os\.WriteFile writes "golden\.json" non-atomically`)

	if res := lint(t, dir, "./..."); res.ExitCode != 0 || res.Stderr != "" {
		t.Errorf("standalone, default: want exit code 0 and no output, got %s", res)
	}
	res := lint(t, dir, "-include-tests", "./...")
	if res.ExitCode != 3 || !want.MatchString(res.Stderr) {
		t.Errorf("standalone, -include-tests: want exit code 3 and a diagnostic matching %s, got %s", want, res)
	}
	if d := diagLines(res.Stderr); len(d) != 1 {
		t.Errorf("standalone, -include-tests: want the diagnostic once, got %d:\n%s", len(d), res.Stderr)
	}

	if res := vet(t, dir, "./..."); res.ExitCode != 0 || res.Stderr != "" {
		t.Errorf("go vet, default: want exit status 0 and no output, got %s", res)
	}
	res = vet(t, dir, "-include-tests", "./...")
	if res.ExitCode != 1 || !want.MatchString(res.Stderr) {
		t.Errorf("go vet -include-tests: want exit status 1 and a diagnostic matching %s, got %s", want, res)
	}
}
