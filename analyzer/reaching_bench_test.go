package analyzer_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/atomicjson/atomicjson/analyzer"
)

// largeFunction returns a file whose one function has about n lines: a path
// variable reassigned in if blocks and loops, appended to, and written
// after every few blocks, the shape of generated request handlers and
// migration scripts.
func largeFunction(n int) string {
	var b strings.Builder
	b.WriteString("package large\n\nimport \"os\"\n\nfunc big(c []bool, data []byte) error {\n\tp := \"base\"\n")
	lines := 7
	for i := 0; lines < n; i++ {
		switch i % 5 {
		case 0:
			fmt.Fprintf(&b, "\tif c[%d] {\n\t\tp = \"f%d.json\"\n\t}\n", i, i)
		case 1:
			fmt.Fprintf(&b, "\tif c[%d] {\n\t\tp = p + \".bak\"\n\t}\n", i)
		case 2:
			fmt.Fprintf(&b, "\tfor j := 0; j < len(c); j++ {\n\t\tp += \"/d\"\n\t}\n")
		case 3:
			fmt.Fprintf(&b, "\tif c[%d] {\n\t\tp = \"notes%d.txt\"\n\t}\n", i, i)
		case 4:
			b.WriteString("\tos.WriteFile(p, data, 0o644)\n\t_ = p\n\tp = \"g.json\" + p\n")
		}
		lines += 3
	}
	b.WriteString("\treturn os.WriteFile(p, data, 0o644)\n}\n")
	return b.String()
}

// branchyFunction returns a file whose one function has about n lines of
// if blocks, each assigning the path variable, appending to it or writing
// it: no assignment dominates a later read, so every read is reached by
// every assignment before it.
func branchyFunction(n int) string {
	var b strings.Builder
	b.WriteString("package large\n\nimport \"os\"\n\nfunc big(c []bool, data []byte) error {\n\tp := \"base\"\n")
	lines := 7
	for i := 0; lines < n; i++ {
		switch i % 3 {
		case 0:
			fmt.Fprintf(&b, "\tif c[%d] {\n\t\tp = \"f%d.json\"\n\t}\n", i, i)
		case 1:
			fmt.Fprintf(&b, "\tif c[%d] {\n\t\tp = p + \".bak\"\n\t}\n", i)
		case 2:
			fmt.Fprintf(&b, "\tif c[%d] {\n\t\tos.WriteFile(p, data, 0o644)\n\t}\n", i)
		}
		lines += 3
	}
	b.WriteString("\treturn os.WriteFile(p, data, 0o644)\n}\n")
	return b.String()
}

// BenchmarkLargeFunction measures the pass on one function of 5,000,
// 10,000 and 20,000 lines of each shape, next to type-checking the same
// file (what any driver, a no-op analyzer's included, pays first).
// Doubling the size should at most about double the pass's time.
func BenchmarkLargeFunction(b *testing.B) {
	for _, shape := range []struct {
		name string
		gen  func(int) string
	}{{"mixed", largeFunction}, {"branches", branchyFunction}} {
		for _, n := range []int{5000, 10000, 20000} {
			benchmarkFunction(b, shape.name, n, []byte(shape.gen(n)))
		}
	}
}

func benchmarkFunction(b *testing.B, shape string, n int, src []byte) {
	fi := newImporter(b, helperVariants[0])
	b.Run(fmt.Sprintf("%s/lines=%d/typecheck", shape, n), func(b *testing.B) {
		for b.Loop() {
			if _, _, _, _, err := typeCheck(fi, "large.go", src); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run(fmt.Sprintf("%s/lines=%d/pass", shape, n), func(b *testing.B) {
		fset, f, pkg, info, err := typeCheck(fi, "large.go", src)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if d := runPass(b, analyzer.DefaultConfig(), fset, f, pkg, info, src, "large.go"); len(d) == 0 {
				b.Fatal("no findings")
			}
		}
	})
}
