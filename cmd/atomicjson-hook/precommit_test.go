package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/atomicjson/atomicjson/internal/e2e"
)

// gitEnv returns the environment for git and pre-commit in the throwaway
// repositories: no user or system git configuration, a fixed identity,
// pre-commit's cache in a temporary directory, and the go command kept
// offline on the machine's module cache. pre-commit's golang language sets
// GOPATH to its own environment directory, which would move the module
// cache there and download every dependency again; an explicit GOMODCACHE
// keeps the shared cache.
func gitEnv(t *testing.T) []string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Fatalf("go env GOMODCACHE: %v", err)
	}
	return e2e.Env(
		"GOMODCACHE="+strings.TrimSpace(string(out)),
		"PRE_COMMIT_HOME="+t.TempDir(),
		"GIT_CONFIG_GLOBAL="+os.DevNull,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=atomicjson test", "GIT_AUTHOR_EMAIL=test@example.com",
		"GIT_COMMITTER_NAME=atomicjson test", "GIT_COMMITTER_EMAIL=test@example.com",
	)
}

// mustRun runs a command that has to succeed and returns its stdout.
func mustRun(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	res := e2e.Run(t, dir, env, name, args...)
	if res.ExitCode != 0 {
		t.Fatalf("%s %s in %s: %s", name, strings.Join(args, " "), dir, res)
	}
	return res.Stdout
}

// hookRepo makes a git repository of the checkout's files (tracked and
// untracked but not ignored, as a clone would have them after a commit)
// and returns its path and the commit.
func hookRepo(t *testing.T, git string, env []string) (dir, rev string) {
	t.Helper()
	root, err := e2e.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	e2e.TrackInputs(t, root)
	list := mustRun(t, root, env, git, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	dir = t.TempDir()
	for _, name := range strings.Split(list, "\x00") {
		if name == "" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(root, name))
		if os.IsNotExist(err) { // tracked but deleted in the working tree
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		info, err := os.Stat(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		target := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(target, data, info.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	mustRun(t, dir, env, git, "init", "-q")
	mustRun(t, dir, env, git, "add", "-A")
	mustRun(t, dir, env, git, "commit", "-q", "--no-verify", "-m", "hook repository")
	rev = strings.TrimSpace(mustRun(t, dir, env, git, "rev-parse", "HEAD"))
	return dir, rev
}

// commits returns the number of commits in the repository at dir.
func commits(t *testing.T, git, dir string, env []string) int {
	t.Helper()
	n, err := strconv.Atoi(strings.TrimSpace(mustRun(t, dir, env, git, "rev-list", "--count", "HEAD")))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestPreCommit installs the hooks with the real pre-commit into a consumer
// repository with two modules and no root module, and commits through them.
func TestPreCommit(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the pre-commit end-to-end test in -short mode")
	}
	preCommit := e2e.LookPath(t, "pre-commit")
	git := e2e.LookPath(t, "git")
	e2e.LookPath(t, "go")
	env := gitEnv(t)
	hooks, rev := hookRepo(t, git, env)

	repo := t.TempDir()
	config := "repos:\n" +
		"  - repo: " + hooks + "\n" +
		"    rev: " + rev + "\n" +
		"    hooks:\n" +
		"      - id: atomicjson\n" +
		"        args: [\"-extensions=.json,.geojson\", \"-tags\", \"integration\"] # quoted: a bare comma splits YAML flow lists\n" +
		"      - id: atomicjson-all\n" +
		"        stages: [manual]\n"
	e2e.WriteFiles(t, repo, map[string]string{
		".pre-commit-config.yaml": config,
		"svc/go.mod":              consumer["svc/go.mod"],
		"svc/ok/ok.go":            consumer["svc/ok/ok.go"],
		"tools/go.mod":            consumer["tools/go.mod"],
		"tools/main.go":           consumer["tools/main.go"],
	})
	mustRun(t, repo, env, git, "init", "-q")
	mustRun(t, repo, env, preCommit, "install")

	commit := func(msg string, files map[string]string) e2e.Result {
		t.Helper()
		e2e.WriteFiles(t, repo, files)
		mustRun(t, repo, env, git, "add", "-A")
		return e2e.Run(t, repo, env, git, "commit", "-q", "-m", msg)
	}

	// The first commit installs the hook environment (go install ./... in
	// the hook repository) and passes: nothing to report.
	if res := commit("clean", nil); res.ExitCode != 0 {
		t.Fatalf("clean commit failed:\n%s", res)
	}
	if n := commits(t, git, repo, env); n != 1 {
		t.Fatalf("%d commits after the clean commit, want 1", n)
	}

	// Violations staged in both modules block the commit, each reported
	// from its own module; the hook's args reach the analyzer (.geojson).
	res := commit("violations", map[string]string{
		"svc/bad/bad.go":   consumer["svc/bad/bad.go"],
		"tools/gen/gen.go": consumer["tools/gen/gen.go"],
	})
	out := res.Stdout + res.Stderr
	if res.ExitCode == 0 || !strings.Contains(out, geojsonDiag) || !strings.Contains(out, configDiag) {
		t.Errorf("commit with violations: want it blocked with both diagnostics:\n%s", res)
	}
	if n := commits(t, git, repo, env); n != 1 {
		t.Errorf("%d commits after the blocked commit, want 1", n)
	}

	// Fixing one and committing the other past the hook leaves a violation
	// in the repository that only atomicjson-all (whole modules) finds.
	fixed := strings.Replace(consumer["svc/bad/bad.go"], "map.geojson", "map.txt", 1)
	e2e.WriteFiles(t, repo, map[string]string{"svc/bad/bad.go": fixed})
	mustRun(t, repo, env, git, "add", "-A")
	mustRun(t, repo, env, git, "commit", "-q", "--no-verify", "-m", "legacy write")

	// A clean change in the other module passes: its package is checked,
	// the violation in tools/gen is not in it.
	if res := commit("clean change", map[string]string{"svc/ok/more.go": "package ok\n\n// N is a number.\nconst N = 1\n"}); res.ExitCode != 0 {
		t.Errorf("clean change failed:\n%s", res)
	}
	if n := commits(t, git, repo, env); n != 3 {
		t.Errorf("%d commits, want 3", n)
	}

	// Nothing buildable is nothing to lint: a module of pinned tools (only
	// a tools.go behind //go:build tools) and a package for another OS
	// pass; so does a generated file, which every driver skips.
	if res := commit("pinned tools, windows package, generated file", map[string]string{
		"svc/gen/gen.go": "// Code generated by gen; DO NOT EDIT.\n\npackage gen\n\nimport \"os\"\n\n// Save writes the table.\nfunc Save(b []byte) error { return os.WriteFile(\"table.json\", b, 0o644) }\n",
		"pins/go.mod":    "module example.com/pins\n\ngo 1.26\n",
		"pins/tools.go":  "//go:build tools\n\npackage pins\n\nimport _ \"example.com/pins/none\"\n",
		"svc/win/win.go": "//go:build windows\n\npackage win\n\nimport \"os\"\n\n// Save writes the state.\nfunc Save(b []byte) error { return os.WriteFile(\"state.json\", b, 0o644) }\n",
	}); res.ExitCode != 0 {
		t.Errorf("commit of a tools module and a windows-only package: want it to pass:\n%s", res)
	}
	// -tags integration in args: (two arguments) reaches the analyzer.
	res = commit("tagged violation", map[string]string{
		"svc/it/it.go": "//go:build integration\n\npackage it\n\nimport \"os\"\n\n// Save writes the fixture.\nfunc Save(b []byte) error { return os.WriteFile(\"fixture.json\", b, 0o644) }\n",
	})
	if res.ExitCode == 0 || !strings.Contains(res.Stdout+res.Stderr, `it.go:8:36: os.WriteFile writes "fixture.json"`) || !strings.Contains(res.Stdout+res.Stderr, "module example.com/svc") {
		t.Errorf("commit of a violation behind the integration tag: want it blocked, the module named:\n%s", res)
	}
	mustRun(t, repo, env, git, "rm", "-q", "--cached", "svc/it/it.go")
	if err := os.Remove(filepath.Join(repo, "svc/it/it.go")); err != nil {
		t.Fatal(err)
	}

	res = e2e.Run(t, repo, env, preCommit, "run", "--hook-stage", "manual", "atomicjson-all", "--all-files")
	if res.ExitCode == 0 || !strings.Contains(res.Stdout+res.Stderr, configDiag) {
		t.Errorf("atomicjson-all: want the committed violation reported:\n%s", res)
	}
	if strings.Contains(res.Stdout+res.Stderr, "map.") {
		t.Errorf("atomicjson-all: the fixed file is reported:\n%s", res)
	}
	if out := res.Stdout + res.Stderr; strings.Contains(out, "matched no packages") || strings.Contains(out, "build constraints exclude") || !strings.Contains(out, "module example.com/pins: nothing to lint") {
		t.Errorf("atomicjson-all: the tools module must be skipped, not fail:\n%s", res)
	}

	// pre-commit splits a file list longer than 128 KiB into several runs
	// of the hook; the package spanning two of them is reported once.
	many := map[string]string{"svc/big/bad.go": strings.Replace(consumer["tools/gen/gen.go"], "package gen", "package big", 1)}
	for i := range 1900 {
		many[fmt.Sprintf("svc/big/a_file_with_a_long_name_to_fill_the_command_line_quickly_%04d.go", i)] = fmt.Sprintf("package big\n\nconst c%d = %d\n", i, i)
	}
	e2e.WriteFiles(t, repo, many)
	mustRun(t, repo, env, git, "add", "-A")
	res = e2e.Run(t, repo, env, preCommit, "run", "atomicjson", "--all-files")
	if n := strings.Count(res.Stdout+res.Stderr, `bad.go:6:35: os.WriteFile writes "config.json"`); res.ExitCode == 0 || n != 1 {
		t.Errorf("--all-files over a split file list: want the finding in svc/big once, got it %d times:\n%.3000s", n, res)
	}
}
