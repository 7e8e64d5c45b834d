package analyzer_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/atomicjson/atomicjson/analyzer"
)

// TestHugeFile runs the pass over a generated file with thousands of sinks,
// a deeply nested concatenation and long assignment chains: every expected
// finding is reported, nothing else, and nothing panics.
func TestHugeFile(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 300
	}
	var b strings.Builder
	b.WriteString("package huge\n\nimport \"os\"\n\nvar data []byte\n\n")
	// A chain p0 := "x"; p1 := p0 + "/"; ... deeper than the pass follows.
	b.WriteString("func chain() {\n\tp0 := \"root\"\n")
	for i := 1; i < 200; i++ {
		fmt.Fprintf(&b, "\tp%d := p%d + \"/d\"\n", i, i-1)
	}
	b.WriteString("\tos.WriteFile(p199+\".json\", data, 0o644) // want `os\\.WriteFile writes`\n")
	b.WriteString("\tos.WriteFile(p199, data, 0o644)\n}\n\n")
	// A deeply nested constant-free concatenation.
	b.WriteString("func deep(s string) {\n\tos.WriteFile(s")
	for i := 0; i < 2000; i++ {
		b.WriteString(" + s")
	}
	b.WriteString(" + \".json\", data, 0o644) // want `os\\.WriteFile writes`\n}\n\n")
	for i := 0; i < n; i++ {
		if i%2 == 0 {
			fmt.Fprintf(&b, "func f%d() { os.WriteFile(\"f%d.json\", data, 0o644) } // want `os\\.WriteFile writes \"f%d\\.json\"`\n", i, i, i)
		} else {
			fmt.Fprintf(&b, "func f%d() { os.WriteFile(\"f%d.txt\", data, 0o644) }\n", i, i)
		}
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "src", "huge", "huge.go")
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	results := analysistest.Run(t, dir, analyzer.Analyzer, "huge")
	if len(results) != 1 {
		t.Fatalf("got %d results, want 1", len(results))
	}
	if got, want := len(results[0].Diagnostics), n/2+2; got != want {
		t.Errorf("got %d diagnostics, want %d", got, want)
	}
}

// TestDeterministic runs the pass twice over the same packages and expects
// the same diagnostics in the same order.
func TestDeterministic(t *testing.T) {
	run := func() []string {
		var out []string
		for _, r := range analysistest.Run(t, testdata(), analyzer.Analyzer, "paths", "wrappers", "rename") {
			for _, d := range r.Diagnostics {
				out = append(out, fmt.Sprintf("%v %s", r.Pass.Fset.Position(d.Pos), d.Message))
			}
		}
		return out
	}
	first, second := run(), run()
	if strings.Join(first, "\n") != strings.Join(second, "\n") {
		t.Errorf("two runs differ:\n%s\n---\n%s", strings.Join(first, "\n"), strings.Join(second, "\n"))
	}
	if len(first) < 40 {
		t.Errorf("only %d diagnostics: the packages changed?", len(first))
	}
}

// TestSelfAssignments analyzes functions with hundreds of assignments that
// read the variable they assign (s = s + "x", b = append(b, ...)), in
// branches and in sequence. Following every assignment at every step used
// to take time exponential in their number (minutes at 80); the walk is
// memoized per variable read, so this completes well within go test's
// timeout, and the findings are still right.
func TestSelfAssignments(t *testing.T) {
	n := 200
	var b strings.Builder
	b.WriteString("package selfassign\n\nimport (\n\t\"encoding/json\"\n\t\"os\"\n)\n\n")
	// No sink: only the path-fact export walks this one.
	b.WriteString("func Build(x int) string {\n\ts := \"\"\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "\tif x > %d {\n\t\ts = s + \"part%d, \"\n\t}\n", i, i)
	}
	b.WriteString("\treturn s\n}\n\n")
	b.WriteString("func Seq() {\n\tdata := []byte(\"x\")\n\tp := \"base\"\n")
	for i := 0; i < n; i++ {
		b.WriteString("\tp = p + \"x\"\n")
	}
	b.WriteString("\tos.WriteFile(p+\".json\", data, 0o644) // want `os\\.WriteFile writes`\n")
	b.WriteString("\tos.WriteFile(p, data, 0o644)\n}\n\n")
	b.WriteString("func Branches(x int) {\n\tdata := []byte(\"x\")\n\tp := \"base\"\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "\tif x > %d {\n\t\tp = p + \"/d\"\n\t}\n", i)
	}
	b.WriteString("\tos.WriteFile(p, data, 0o644)\n\tp += \".json\"\n")
	b.WriteString("\tos.WriteFile(p, data, 0o644) // want `os\\.WriteFile writes p non-atomically: path ends in \\.json`\n}\n\n")
	b.WriteString("func Appends(v any) {\n\tb, _ := json.Marshal(v)\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "\tif len(b) > %d {\n\t\tb = append(b, ' ')\n\t}\n\tb = append(b, '\\n')\n", i)
	}
	b.WriteString("\tos.WriteFile(\"out\", b, 0o644) // want `os\\.WriteFile writes \"out\" non-atomically: data from json\\.Marshal`\n}\n")
	dir := t.TempDir()
	file := filepath.Join(dir, "src", "selfassign", "selfassign.go")
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, dir, analyzer.Analyzer, "selfassign")
}

// TestLongWrapperChain runs the pass over a chain of wrappers declared
// callee-last, far deeper than any fixed number of re-scans would reach,
// plus a ring of mutually recursive ones: the call at the top is reported,
// every link carries its fact, and the body-first wrapper at the bottom
// keeps its callers quiet.
func TestLongWrapperChain(t *testing.T) {
	n := 400
	if testing.Short() {
		n = 60
	}
	var b strings.Builder
	b.WriteString("package chain\n\nimport (\n\t\"encoding/json\"\n\t\"os\"\n)\n\n")
	b.WriteString("func top() {\n\tw0(\"top.json\", nil) // want `w0 writes \"top\\.json\" non-atomically`\n\tw0(\"top.txt\", nil)\n\tj0(\"quiet.json\", 1)\n}\n\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "func w%d(p string, b []byte) { w%d(p, b) } // want w%d:`writes\\(os\\.WriteFile, path=0, data=1\\)`\n", i, i+1, i)
		fmt.Fprintf(&b, "func j%d(p string, v any) { j%d(p, v) }\n", i, i+1)
	}
	fmt.Fprintf(&b, "func w%d(p string, b []byte) { os.WriteFile(p, b, 0o644) } // want w%d:`writes\\(os\\.WriteFile, path=0, data=1\\)`\n", n, n)
	fmt.Fprintf(&b, "func j%d(p string, v any) { b, _ := json.Marshal(v); w0(p, b) } // want `w0 writes p non-atomically: data from json\\.Marshal`\n", n)
	// A ring: r0 calls r1 ... r9 calls r0 and the sink.
	for i := 0; i < 10; i++ {
		next := (i + 1) % 10
		if i == 9 {
			fmt.Fprintf(&b, "func r%d(p string, k int) { if k > 0 { r%d(p, k-1) }; os.WriteFile(p, nil, 0o644) } // want r%d:`writes\\(os\\.WriteFile, path=0, data=-1\\)`\n", i, next, i)
		} else {
			fmt.Fprintf(&b, "func r%d(p string, k int) { r%d(p, k) } // want r%d:`writes\\(os\\.WriteFile, path=0, data=-1\\)`\n", i, next, i)
		}
	}
	b.WriteString("func ring() { r3(\"ring.json\", 2) } // want `r3 writes \"ring\\.json\" non-atomically`\n")
	dir := t.TempDir()
	file := filepath.Join(dir, "src", "chain", "chain.go")
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, dir, analyzer.Analyzer, "chain")
}
