package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// writeTree creates the files (slash-separated paths relative to dir), each
// with a package clause or a module line as its name asks.
func writeTree(t *testing.T, dir string, files ...string) {
	t.Helper()
	for _, f := range files {
		path := filepath.Join(dir, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		content := "package p\n"
		if filepath.Base(f) == "go.mod" {
			content = "module example.com/" + filepath.ToSlash(filepath.Dir(f)) + "\n\ngo 1.26\n"
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// repo returns a temporary directory outside any module with a
// multi-module tree: no go.mod at the root, modules a, a/nested and b.
func repo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if mod, ok := moduleOf(dir); ok {
		t.Skipf("the temporary directory is inside module %s", mod)
	}
	writeTree(t, dir,
		"a/go.mod", "a/main.go", "a/pkg/y.go", "a/pkg/z.go", "a/pkg/deep/er/e.go",
		"a/nested/go.mod", "a/nested/n.go",
		"a/testdata/src/t/t.go", "a/testdata/go.mod", "a/_tools/u.go", "a/.hidden/h.go", "a/vendor/v/v.go",
		"b/go.mod", "b/c/d.go",
		"loose.go",
	)
	return dir
}

func TestPlanFiles(t *testing.T) {
	dir := repo(t)
	abs := func(rel string) string { return filepath.Join(dir, filepath.FromSlash(rel)) }
	for _, tc := range []struct {
		name    string
		files   []string
		want    []job // Dir relative to the repository
		skipped []string
	}{
		{
			name:  "files in nested package directories, deduplicated",
			files: []string{"a/pkg/y.go", "a/pkg/z.go", "a/pkg/deep/er/e.go", "a/main.go"},
			want:  []job{{"a", []string{".", "./pkg", "./pkg/deep/er"}}},
		},
		{
			name:  "several modules, nested module wins over its parent",
			files: []string{"b/c/d.go", "a/nested/n.go", "a/pkg/y.go"},
			want: []job{
				{"a", []string{"./pkg"}},
				{"a/nested", []string{"."}},
				{"b", []string{"./c"}},
			},
		},
		{
			name:  "go.mod selects the whole module",
			files: []string{"b/c/d.go", "b/go.mod", "a/pkg/y.go"},
			want:  []job{{"a", []string{"./pkg"}}, {"b", []string{"./..."}}},
		},
		{
			name:  "go.sum selects the whole module",
			files: []string{"a/go.sum"},
			want:  []job{{"a", []string{"./..."}}},
		},
		{
			name:  "deleted file: its directory while it has Go files",
			files: []string{"a/pkg/gone.go", "a/gone/gone.go"},
			want:  []job{{"a", []string{"./pkg"}}},
			skipped: []string{
				"a/gone/gone.go: no Go files left in its directory",
			},
		},
		{
			name:  "outside modules, non-Go files, directories ./... leaves out",
			files: []string{"loose.go", "README.md", "a/testdata/src/t/t.go", "a/_tools/u.go", "a/.hidden/h.go", "a/vendor/v/v.go"},
			skipped: []string{
				"loose.go: not in a Go module (no go.mod above it)",
				"README.md: not a Go source, go.mod or go.sum file",
				"a/testdata/src/t/t.go: in testdata, which the go command leaves out of ./...",
				"a/_tools/u.go: in _tools, which the go command leaves out of ./...",
				"a/.hidden/h.go: in .hidden, which the go command leaves out of ./...",
				"a/vendor/v/v.go: in vendor, which the go command leaves out of ./...",
			},
		},
		{
			name:  "absolute and unclean paths",
			files: []string{abs("a/pkg/y.go"), "a/pkg/../main.go", "./b/c/d.go"},
			want:  []job{{"a", []string{".", "./pkg"}}, {"b", []string{"./c"}}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			jobs, skipped := planFiles(dir, tc.files)
			for i := range jobs {
				rel, err := filepath.Rel(dir, jobs[i].Dir)
				if err != nil {
					t.Fatal(err)
				}
				jobs[i].Dir = filepath.ToSlash(rel)
			}
			if !reflect.DeepEqual(jobs, tc.want) {
				t.Errorf("jobs = %v, want %v", jobs, tc.want)
			}
			if !reflect.DeepEqual(skipped, tc.skipped) {
				t.Errorf("skipped:\n%s\nwant:\n%s", strings.Join(skipped, "\n"), strings.Join(tc.skipped, "\n"))
			}
		})
	}
}

func TestPlanAll(t *testing.T) {
	dir := repo(t)
	writeTree(t, dir, ".git/modules/x/go.mod")
	jobs, err := planAll(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, j := range jobs {
		rel, _ := filepath.Rel(dir, j.Dir)
		if len(j.Patterns) != 1 || j.Patterns[0] != "./..." {
			t.Errorf("module %s: patterns %v, want ./...", rel, j.Patterns)
		}
		got = append(got, filepath.ToSlash(rel))
	}
	if want := []string{"a", "a/nested", "b"}; !reflect.DeepEqual(got, want) {
		t.Errorf("modules %v, want %v (testdata, .git, _ and vendor directories skipped)", got, want)
	}
}

func TestParseArgs(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		want    options
		wantErr string
	}{
		{args: []string{"a.go", "b/c.go"}, want: options{files: []string{"a.go", "b/c.go"}}},
		{args: []string{"-include-tests", "-extensions=.json,.geojson", "a.go"},
			want: options{flags: []string{"-include-tests", "-extensions=.json,.geojson"}, files: []string{"a.go"}}},
		{args: []string{"-extensions", ".geojson", "--helper", "example.com/h", "a.go"},
			want: options{flags: []string{"-extensions", ".geojson", "--helper", "example.com/h"}, files: []string{"a.go"}}},
		{args: []string{"-all-modules", "-include-tests"}, want: options{allModules: true, flags: []string{"-include-tests"}}},
		{args: []string{"-c", "2", "--", "-odd.go", "x.go"}, want: options{flags: []string{"-c", "2"}, files: []string{"-odd.go", "x.go"}}},
		{args: []string{"a.go", "-include-tests"}, want: options{files: []string{"a.go", "-include-tests"}}},
		{args: []string{"-extensions"}, wantErr: "flag needs a value: -extensions"},
		{args: []string{"-all-modules=true"}, wantErr: "-all-modules takes no value"},
		{args: []string{"---"}, wantErr: "bad flag syntax"},
	} {
		got, err := parseArgs(tc.args)
		switch {
		case tc.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("parseArgs(%q) error %v, want %q", tc.args, err, tc.wantErr)
			}
		case err != nil:
			t.Errorf("parseArgs(%q): %v", tc.args, err)
		case !reflect.DeepEqual(got, tc.want):
			t.Errorf("parseArgs(%q) = %+v, want %+v", tc.args, got, tc.want)
		}
	}
}

func TestValueFlagsFollowTheAnalyzer(t *testing.T) {
	m := valueFlags()
	for _, name := range []string{"extensions", "helper", "c"} {
		if !m[name] {
			t.Errorf("%s should take a value", name)
		}
	}
	for _, name := range []string{"include-tests", "fix", "json", "test"} {
		if m[name] {
			t.Errorf("boolean flag %s should take no value", name)
		}
	}
}
