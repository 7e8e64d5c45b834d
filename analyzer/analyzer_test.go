package analyzer_test

import (
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/atomicjson/atomicjson/analyzer"
)

// testdata is the top-level testdata directory of the module (GOPATH layout).
func testdata() string { return filepath.Join(analysistest.TestData(), "..", "..", "testdata") }

func TestPaths(t *testing.T) {
	analysistest.Run(t, testdata(), analyzer.Analyzer, "paths")
}

func TestPackages(t *testing.T) {
	analysistest.Run(t, testdata(), analyzer.Analyzer,
		"github.com/atomicjson/atomicjson/atomicfs", "example.com/conf", "crosspkg", "data", "files", "wrappers", "rename", "suppress")
}
