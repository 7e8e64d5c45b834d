package main

import (
	"regexp"
	"strings"
	"testing"
)

// suppressed holds writes silenced by //atomicjson:ignore with a reason, on
// the line above and on the line itself; one silenced without a reason; and
// one with no comment at all.
const suppressed = `package keep

import "os"

// A is silenced by a comment on the line above.
func A(b []byte) error {
	//atomicjson:ignore written once at install time, before any reader starts
	return os.WriteFile("a.json", b, 0o644)
}

// B is silenced by a comment on the same line.
func B(b []byte) error {
	return os.WriteFile("b.json", b, 0o644) //atomicjson:ignore rebuilt from sources on every start
}

// C has a suppression without a reason.
func C(b []byte) error {
	//atomicjson:ignore
	return os.WriteFile("c.json", b, 0o644)
}

// D has no suppression.
func D(b []byte) error {
	return os.WriteFile("d.json", b, 0o644)
}
`

// TestSuppression checks //atomicjson:ignore end to end, standalone and
// under go vet: with a reason it silences the write; without one, the
// suppression is reported, on the comment or on the write it fails to
// silence.
func TestSuppression(t *testing.T) {
	t.Parallel()
	dir := newModule(t, map[string]string{"keep/keep.go": suppressed})
	bare := regexp.MustCompile(`(?m)^.*keep/keep\.go:(18|19):\d+: `)
	plain := regexp.MustCompile(`(?m)^.*keep/keep\.go:24:\d+: os\.WriteFile writes "d\.json" non-atomically`)

	for _, run := range []struct {
		name string
		res  func() (int, string)
		code int
	}{
		{"standalone", func() (int, string) { r := lint(t, dir, "./..."); return r.ExitCode, r.Stderr }, 3},
		{"go vet", func() (int, string) { r := vet(t, dir, "./..."); return r.ExitCode, r.Stderr }, 1},
	} {
		code, stderr := run.res()
		if code != run.code {
			t.Errorf("%s: want exit code %d, got %d:\n%s", run.name, run.code, code, stderr)
		}
		for _, silenced := range []string{`"a.json"`, `"b.json"`} {
			if strings.Contains(stderr, silenced) {
				t.Errorf("%s: the write of %s carries a suppression with a reason but is reported:\n%s", run.name, silenced, stderr)
			}
		}
		if !bare.MatchString(stderr) {
			t.Errorf("%s: the suppression without a reason (line 18, write on line 19) is not reported:\n%s", run.name, stderr)
		}
		if !plain.MatchString(stderr) {
			t.Errorf("%s: the unsuppressed write on line 24 is not reported:\n%s", run.name, stderr)
		}
	}
}
