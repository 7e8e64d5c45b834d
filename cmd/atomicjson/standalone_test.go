package main

import (
	"strings"
	"testing"
)

// TestStandalone runs the binary the way a user does, atomicjson ./..., and
// checks the exit code the driver documents (3: diagnostics reported, 0:
// none) and where and how the diagnostic is printed.
func TestStandalone(t *testing.T) {
	t.Parallel()
	dir := newModule(t, map[string]string{"bad/bad.go": violation, "clean/clean.go": clean})

	t.Run("violation", func(t *testing.T) {
		res := lint(t, dir, "./...")
		if res.ExitCode != 3 {
			t.Fatalf("want exit code 3 (diagnostics reported), got %s", res)
		}
		if res.Stdout != "" {
			t.Errorf("want nothing on stdout, got %q", res.Stdout)
		}
		if !configDiag.MatchString(res.Stderr) {
			t.Errorf("stderr lacks the diagnostic matching %s:\n%s", configDiag, res.Stderr)
		}
		if d := diagLines(res.Stderr); len(d) != 1 {
			t.Errorf("want exactly one diagnostic (the clean package's NOTES.txt write is not JSON), got %d:\n%s", len(d), res.Stderr)
		}
	})

	t.Run("clean package", func(t *testing.T) {
		res := lint(t, dir, "./clean")
		if res.ExitCode != 0 || res.Stdout != "" || res.Stderr != "" {
			t.Fatalf("want exit code 0 and no output, got %s", res)
		}
	})

	t.Run("json", func(t *testing.T) {
		res := lint(t, dir, "-json", "./...")
		if res.ExitCode != 0 {
			t.Fatalf("with -json the driver exits 0 even when it reports; got %s", res)
		}
		byPkg := parseJSON(t, res.Stdout)
		bad := byPkg[modPath+"/bad"]
		if len(bad) != 1 {
			t.Fatalf("want one diagnostic for package %s/bad, got %+v\n%s", modPath, bad, res.Stdout)
		}
		d := bad[0]
		if !strings.HasSuffix(d.Posn, "bad/bad.go:7:9") {
			t.Errorf("posn = %q, want the os.WriteFile call at bad/bad.go:7:9", d.Posn)
		}
		if !strings.HasPrefix(d.Message, `os.WriteFile writes "config.json" non-atomically`) {
			t.Errorf("message = %q", d.Message)
		}
		if len(d.SuggestedFixes) == 0 {
			t.Errorf("the os.WriteFile diagnostic carries no suggested fix: %+v", d)
		} else if !strings.Contains(d.SuggestedFixes[0].Message, "atomicfs.WriteFile") {
			t.Errorf("the fix's message does not name the cure, atomicfs.WriteFile: %q", d.SuggestedFixes[0].Message)
		}
		if got := byPkg[modPath+"/clean"]; len(got) != 0 {
			t.Errorf("package clean: want no diagnostics, got %+v", got)
		}
	})
}

// TestStandaloneCleanModule checks the quiet path: a module without JSON
// writes lints with exit code 0 and prints nothing at all.
func TestStandaloneCleanModule(t *testing.T) {
	t.Parallel()
	dir := newModule(t, map[string]string{"clean/clean.go": clean})
	res := lint(t, dir, "./...")
	if res.ExitCode != 0 || res.Stdout != "" || res.Stderr != "" {
		t.Fatalf("want exit code 0 and no output, got %s", res)
	}
	res = lint(t, dir, "-json", "./...")
	if res.ExitCode != 0 {
		t.Fatalf("-json: want exit code 0, got %s", res)
	}
	for pkg, diags := range parseJSON(t, res.Stdout) {
		if len(diags) != 0 {
			t.Errorf("-json: package %s: want no diagnostics, got %+v", pkg, diags)
		}
	}
}

// TestStandaloneTypeErrors checks packages that do not type-check: the
// type error is printed and fails the run (exit code 1), yet a violation in
// such a package is still found and reported (exit code 3 wins).
func TestStandaloneTypeErrors(t *testing.T) {
	t.Parallel()
	dir := newModule(t, map[string]string{
		"broken/broken.go": "package broken\n\nfunc f() { undefined() }\n",
		"bad/bad.go":       violation + "\nvar _ int = \"not an int\"\n",
	})

	res := lint(t, dir, "./broken")
	if res.ExitCode != 1 || !strings.Contains(res.Stderr, "undefined") {
		t.Errorf("type error only: want exit code 1 and the error on stderr, got %s", res)
	}

	res = lint(t, dir, "./bad")
	if res.ExitCode != 3 || !strings.Contains(res.Stderr, "cannot use") {
		t.Errorf("type error and violation: want exit code 3 and the type error, got %s", res)
	}
	if !configDiag.MatchString(res.Stderr) {
		t.Errorf("the violation in a package with a type error is not reported:\n%s", res.Stderr)
	}
}

// TestUsage checks the exit codes doc.go documents for misuse.
func TestUsage(t *testing.T) {
	t.Parallel()
	dir := newModule(t, map[string]string{"clean/clean.go": clean})
	for _, tc := range []struct {
		args []string
		code int
		want string // on stderr
	}{
		{nil, 1, "Usage: atomicjson"},
		{[]string{"-no-such-flag", "./..."}, 2, "-no-such-flag"},
		{[]string{"-extensions=", "./..."}, 2, "-extensions"},
		{[]string{"-extensions=.", "./..."}, 2, `extension "." names no file extension`},
		{[]string{"-extensions=.json, ", "./..."}, 2, `extension " " names no file extension`},
		{[]string{"-helper=my helper", "./..."}, 2, `helper "my helper" is not an import path`},
		{[]string{"./nosuchdir"}, 1, "nosuchdir"},
	} {
		res := lint(t, dir, tc.args...)
		if res.ExitCode != tc.code || !strings.Contains(res.Stderr, tc.want) {
			t.Errorf("atomicjson %s: want exit code %d and %q on stderr, got %s", strings.Join(tc.args, " "), tc.code, tc.want, res)
		}
	}
}
