package analyzer_test

import (
	"os"
	"os/exec"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/atomicjson/atomicjson/analyzer"
)

// TestCgo checks a package that uses cgo: the pass sees the cgo-generated
// files and reports at the positions of the original source.
func TestCgo(t *testing.T) {
	if _, err := exec.LookPath("gcc"); err != nil {
		if _, err := exec.LookPath("clang"); err != nil {
			needTool(t, "a C compiler (gcc or clang) for cgo")
		}
	}
	t.Setenv("CGO_ENABLED", "1")
	analysistest.Run(t, testdata(), analyzer.Analyzer, "cgopkg")
	for _, r := range analysistest.Run(t, testdata(), analyzer.Analyzer, "cgofix") {
		for _, d := range r.Diagnostics {
			if len(d.SuggestedFixes) > 0 {
				t.Errorf("%v: a fix in a cgo file would edit cgo's output", r.Pass.Fset.Position(d.Pos))
			}
		}
	}
}

// needTool skips a test that needs a missing external tool, except on CI
// (CI=true), where the tool must be installed and its absence fails.
func needTool(t *testing.T, tool string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true but %s is missing", tool)
	}
	t.Skipf("needs %s", tool)
}
