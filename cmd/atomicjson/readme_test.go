package main

import (
	"bufio"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/atomicjson/atomicjson/analyzer"
	"github.com/atomicjson/atomicjson/internal/e2e"
)

// The README opens with two commands: the linter over the naive pipeline in
// testdata/naiveblog, and the test suite. These tests keep both the example
// and the README honest: the example must produce exactly its `// want`ed
// findings (and fixes), and the README's commands must run as written.

// naiveBlog is the example's package pattern, relative to the module root.
const naiveBlog = "./testdata/naiveblog/..."

// TestNaiveBlogFindings checks the example with analysistest in module mode
// (the module root holds go.mod): every mistake in it is reported with the
// `// want`ed message, nothing else is, and -fix turns the files into their
// .golden versions.
func TestNaiveBlogFindings(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, root, analyzer.Analyzer, naiveBlog)
}

// TestReadmeCommands runs the README's opening commands as written, from the
// module root: the first must print every finding of the example, and the
// preview of the fixes must print a diff and change nothing. The second
// command, go test ./..., is what CI runs last; here it is only checked to
// be there, since running it would run this test again.
func TestReadmeCommands(t *testing.T) {
	t.Parallel()
	e2e.TrackInputs(t, root)
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	cmds := firstShellBlock(string(readme))
	lint := "go run ./cmd/atomicjson " + naiveBlog
	if want := []string{lint, "go test ./..."}; !slices.Equal(cmds, want) {
		t.Fatalf("README's first sh block has the commands %q, want exactly %q", cmds, want)
	}
	before := e2e.Snapshot(t, filepath.Join(root, "testdata", "naiveblog"))

	// -mod=readonly: the README's commands must never touch go.mod or go.sum.
	// -buildvcs=false: no VCS stamp, which fails in checkouts git refuses to
	// read (another owner), as in e2e.Build.
	env := e2e.Env("GOFLAGS=-mod=readonly -buildvcs=false")
	res := e2e.Run(t, root, env, "sh", "-c", cmds[0])
	// go run reports the tool's exit code 3 (diagnostics) as "exit status 3"
	// and exits 1 itself.
	if res.ExitCode != 1 || !strings.Contains(res.Stderr, "exit status 3") {
		t.Fatalf("%s: want the linter's exit code 3 (diagnostics reported), got %s", cmds[0], res)
	}
	got := findingPositions(t, diagLines(res.Stderr))
	want := wantedPositions(t, filepath.Join(root, "testdata", "naiveblog"))
	if !slices.Equal(got, want) {
		t.Errorf("%s reported at %q, want every `// want`ed line of the example: %q\n%s", cmds[0], got, want, res)
	}

	preview := fixPreview(string(readme))
	if want := "go run ./cmd/atomicjson -fix -diff " + naiveBlog; preview != want {
		t.Fatalf("README's preview of the fixes is %q, want %q", preview, want)
	}
	res = e2e.Run(t, root, env, "sh", "-c", preview)
	// A non-empty diff is exit code 1 for -fix -diff, as for go vet -fix
	// -diff; go run reports it and exits 1 itself.
	if res.ExitCode != 1 || !strings.Contains(res.Stderr, "exit status 1") {
		t.Fatalf("%s: want exit status 1 (a diff), got %s", preview, res)
	}
	// Every file with a .golden version (what analysistest checks -fix
	// against) is in the diff.
	goldens, err := filepath.Glob(filepath.Join(root, "testdata", "naiveblog", "*.go.golden"))
	if err != nil || len(goldens) == 0 {
		t.Fatalf("no .golden files in the example (%v)", err)
	}
	for _, golden := range goldens {
		file := strings.TrimSuffix(golden, ".golden")
		if !strings.Contains(res.Stdout, "+++ "+file+" (new)") {
			t.Errorf("%s: no diff for %s\n%s", preview, file, res)
		}
	}
	if !strings.Contains(res.Stdout, "+\treturn atomicfs.WriteFile(name, data, 0o644)") {
		t.Errorf("%s: the diff does not replace os.WriteFile with atomicfs.WriteFile\n%s", preview, res)
	}
	if after := e2e.Snapshot(t, filepath.Join(root, "testdata", "naiveblog")); !maps.Equal(before, after) {
		t.Errorf("%s changed files of the example; -diff must only print", preview)
	}
}

// firstShellBlock returns the commands of the README's first ```sh block,
// each without its trailing comment.
func firstShellBlock(readme string) []string {
	_, rest, ok := strings.Cut(readme, "```sh\n")
	if !ok {
		return nil
	}
	block, _, _ := strings.Cut(rest, "```")
	var cmds []string
	for line := range strings.Lines(block) {
		cmd, _, _ := strings.Cut(line, "#")
		if cmd = strings.TrimSpace(cmd); cmd != "" {
			cmds = append(cmds, cmd)
		}
	}
	return cmds
}

// fixPreview returns the first command in backquotes in the README that
// previews the fixes with -fix -diff.
func fixPreview(readme string) string {
	m := regexp.MustCompile("`(go run [^`]*-fix -diff[^`]*)`").FindStringSubmatch(readme)
	if m == nil {
		return ""
	}
	return m[1]
}

// findingPositions returns "file:line" (file relative to the example's
// directory) of each diagnostic line, sorted.
func findingPositions(t *testing.T, diags []string) []string {
	t.Helper()
	dir := filepath.Join(root, "testdata", "naiveblog") + string(filepath.Separator)
	var pos []string
	for _, d := range diags {
		file, rest, _ := strings.Cut(d, ".go:")
		line, _, _ := strings.Cut(rest, ":")
		rel, ok := strings.CutPrefix(file+".go", dir)
		if !ok {
			t.Errorf("finding outside the example: %s", d)
			continue
		}
		pos = append(pos, filepath.ToSlash(rel)+":"+line)
	}
	slices.Sort(pos)
	return pos
}

// wantedPositions returns "file:line" of every line under dir whose comment
// expects a diagnostic (a want followed by a quoted or backquoted pattern;
// not a fact expectation, "want Name:pattern"), sorted.
func wantedPositions(t *testing.T, dir string) []string {
	t.Helper()
	wantDiag := regexp.MustCompile("// want [`\"]")
	var pos []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".go" {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(f)
		for n := 1; sc.Scan(); n++ {
			if wantDiag.MatchString(sc.Text()) {
				pos = append(pos, filepath.ToSlash(rel)+":"+strconv.Itoa(n))
			}
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(pos) == 0 {
		t.Fatalf("no `// want` expectations under %s", dir)
	}
	slices.Sort(pos)
	return pos
}
