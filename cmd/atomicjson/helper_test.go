package main

import (
	"regexp"
	"strings"
	"testing"
)

// ownHelper is a module with its own atomic-write package, safefs, in place
// of atomicfs. Its WriteFile passes its argument to os.WriteFile, so unless
// it is declared the helper it is just another non-atomic wrapper.
var ownHelper = map[string]string{
	"safefs/safefs.go": `// Package safefs stands in for a team's own atomic writer.
package safefs

import "os"

// WriteFile writes data to name.
func WriteFile(name string, data []byte, perm os.FileMode) error {
	return os.WriteFile(name, data, perm)
}
`,
	"app/app.go": `package app

import "os"

// Save writes the configuration.
func Save(data []byte) error {
	return os.WriteFile("config.json", data, 0o644)
}
`,
}

// TestHelperFlag checks -helper end to end: the fix imports the named
// package instead of atomicfs, and calls of that package are exempt, so the
// fixed code lints clean with the same flag.
func TestHelperFlag(t *testing.T) {
	t.Parallel()
	dir := newModule(t, ownHelper)
	const helper = "-helper=" + modPath + "/safefs"
	appDiag := regexp.MustCompile(`(?m)^.*app/app\.go:7:\d+: os\.WriteFile writes "config\.json" non-atomically`)

	res := lint(t, dir, helper, "./...")
	if res.ExitCode != 3 || !appDiag.MatchString(res.Stderr) || len(diagLines(res.Stderr)) != 1 {
		t.Fatalf("%s: want exit code 3 and only the diagnostic matching %s, got %s", helper, appDiag, res)
	}

	diff := lint(t, dir, helper, "-fix", "-diff", "./...")
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^\+.*"example\.com/app/safefs"$`),
		regexp.MustCompile(`(?m)^\+\treturn safefs\.WriteFile\("config\.json", data, 0o644\)$`),
	} {
		if diff.ExitCode != 1 || !want.MatchString(diff.Stdout) {
			t.Errorf("%s -fix -diff: want exit code 1 (a diff) and the fix to use the helper (%s), got %s", helper, want, diff)
		}
	}
	if strings.Contains(diff.Stdout, "atomicfs") {
		t.Errorf("%s -fix -diff: the fix still mentions atomicfs:\n%s", helper, diff.Stdout)
	}

	if res := lint(t, dir, helper, "-fix", "./..."); res.ExitCode != 0 {
		t.Fatalf("%s -fix: want exit code 0, got %s", helper, res)
	}
	if res := goCmd(t, dir, "build", "./..."); res.ExitCode != 0 {
		t.Fatalf("fixed module does not build: %s", res)
	}
	if res := lint(t, dir, helper, "./..."); res.ExitCode != 0 || res.Stderr != "" {
		t.Errorf("%s after -fix: the helper is exempt, want exit code 0 and no output, got %s", helper, res)
	}
	if res := vet(t, dir, helper, "./..."); res.ExitCode != 0 || res.Stderr != "" {
		t.Errorf("go vet %s after -fix: want exit status 0 and no output, got %s", helper, res)
	}
	// Without the flag, safefs is an ordinary wrapper of os.WriteFile, and
	// the fixed call passes it a .json path.
	if res := lint(t, dir, "./..."); res.ExitCode != 3 || !strings.Contains(res.Stderr, "app/app.go:7:") {
		t.Errorf("default -helper after -fix: want safefs.WriteFile(\"config.json\", ...) reported as a wrapper call, got %s", res)
	}
}
