package analyzer_test

import (
	"flag"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
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
		"github.com/atomicjson/atomicjson/atomicfs", "example.com/names", "example.com/conf", "crosspkg", "data", "files", "wrappers", "rename", "suppress")
}

// TestFeatures runs the packages of testdata/src named by feature, each
// with its positives, near misses and facts.
func TestFeatures(t *testing.T) {
	analysistest.Run(t, testdata(), analyzer.Analyzer,
		"example.com/rtpaths", "example.com/dirs", "example.com/fsutil",
		"example.com/chainlib", "crosschain", "chains", "fields", "encoders", "buffers", "validated", "joins", "variadic", "osync", "temphelpers",
		"closures", "copies", "crossvalues", "openflags", "nonjson", "ranges", "reaching", "renamesync", "noos")
}

func TestFixes(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, testdata(), analyzer.Analyzer, "fixes")
}

// TestJSONv2 runs the encoding/json/v2 cases, which need the experiment
// that makes those packages build.
func TestJSONv2(t *testing.T) {
	t.Setenv("GOEXPERIMENT", "jsonv2")
	analysistest.Run(t, testdata(), analyzer.Analyzer, "jsonv2")
}

// TestSyncFix checks the fix that inserts a temp file's missing Sync.
func TestSyncFix(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, testdata(), analyzer.Analyzer, "syncfix")
}

func TestCustomHelper(t *testing.T) {
	a := analyzer.New(analyzer.Config{Helper: "example.com/safeio"})
	analysistest.RunWithSuggestedFixes(t, testdata(), a, "customhelper", "example.com/safeio")
}

func TestGenericsAndBrokenCode(t *testing.T) {
	analysistest.Run(t, testdata(), analyzer.Analyzer, "generics", "broken", "realcode")
}

func TestTestFilesSkippedByDefault(t *testing.T) {
	analysistest.Run(t, testdata(), analyzer.Analyzer, "testfiles")
}

func TestIncludeTests(t *testing.T) {
	a := analyzer.New(analyzer.Config{IncludeTests: true})
	analysistest.Run(t, testdata(), a, "includetests")
}

func TestExtensions(t *testing.T) {
	a := analyzer.New(analyzer.Config{Extensions: []string{".geojson", ".JSON5"}})
	analysistest.Run(t, testdata(), a, "exts")
}

// TestFlagsAreIndependent checks that each analyzer from New owns its flags:
// setting -extensions, -include-tests and -helper on one leaves Analyzer and
// the others untouched, and the flags take effect.
func TestFlagsAreIndependent(t *testing.T) {
	a := analyzer.New(analyzer.DefaultConfig())
	for name, value := range map[string]string{"extensions": ".geojson, .JSON5", "include-tests": "true", "helper": "example.com/safeio"} {
		if err := a.Flags.Set(name, value); err != nil {
			t.Fatalf("-%s=%s: %v", name, value, err)
		}
	}
	if got := a.Flags.Lookup("extensions").Value.String(); got != ".geojson,.json5" {
		t.Errorf("-extensions = %q, want lower-cased, trimmed list", got)
	}
	for name, want := range map[string]string{"extensions": ".json", "include-tests": "false", "helper": analyzer.DefaultHelper} {
		if got := analyzer.Analyzer.Flags.Lookup(name).Value.String(); got != want {
			t.Errorf("Analyzer -%s = %q after setting another analyzer's flag, want %q", name, got, want)
		}
	}
	if err := a.Flags.Set("extensions", " , "); err == nil {
		t.Error("-extensions accepted an empty list")
	}
	analysistest.Run(t, testdata(), a, "exts")
}

// TestExtensionsWithoutDot checks that -extensions=geojson means
// ".geojson": a name such as "nogeojson" is not a match.
func TestExtensionsWithoutDot(t *testing.T) {
	a := analyzer.New(analyzer.DefaultConfig())
	if err := a.Flags.Set("extensions", "geojson, JSON5"); err != nil {
		t.Fatal(err)
	}
	if got := a.Flags.Lookup("extensions").Value.String(); got != ".geojson,.json5" {
		t.Errorf("-extensions = %q, want the leading dots added", got)
	}
	if err := a.Flags.Set("extensions", "."); err == nil {
		t.Error("-extensions accepted a lone dot")
	}
	analysistest.Run(t, testdata(), analyzer.New(analyzer.Config{Extensions: []string{"geojson", "json5"}}), "exts")
}

// TestHelperFlag runs the customhelper checks with -helper set as a flag.
func TestHelperFlag(t *testing.T) {
	a := analyzer.New(analyzer.DefaultConfig())
	if err := a.Flags.Set("helper", "example.com/safeio"); err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, testdata(), a, "example.com/safeio", "customhelper")
}

// TestDriverFlagNames guards against flags that go vet or the
// singlechecker driver already define.
func TestDriverFlagNames(t *testing.T) {
	reserved := strings.Fields("V flags json c fix diff test tags v source all debug cpuprofile memprofile trace n x C mod")
	analyzer.Analyzer.Flags.VisitAll(func(f *flag.Flag) {
		if slices.Contains(reserved, f.Name) {
			t.Errorf("flag -%s clashes with a driver flag", f.Name)
		}
	})
}

func TestAnalyzerMetadata(t *testing.T) {
	a := analyzer.Analyzer
	if a.Name != "atomicjson" || a.URL != "https://github.com/atomicjson/atomicjson#the-linter" || !a.RunDespiteErrors {
		t.Errorf("Analyzer = %s %s RunDespiteErrors=%v", a.Name, a.URL, a.RunDespiteErrors)
	}
	// Analyzers from New share fact types, so a driver runs one of them at a time.
	for _, x := range []*analysis.Analyzer{a, analyzer.New(analyzer.Config{})} {
		if err := analysis.Validate([]*analysis.Analyzer{x}); err != nil {
			t.Error(err)
		}
	}
	// The doc comes from doc.go's section "# Analyzer atomicjson": the
	// summary line, a blank line, then the body.
	if summary, body, _ := strings.Cut(a.Doc, "\n\n"); summary != "report non-atomic writes of JSON files" ||
		!strings.HasPrefix(body, "os.WriteFile, ioutil.WriteFile, os.Create") || strings.Contains(a.Doc, "# Analyzer") || strings.Contains(a.Doc, "//") && !strings.Contains(a.Doc, "//atomicjson:ignore") {
		t.Errorf("Analyzer.Doc is not the doc.go section:\n%s", a.Doc)
	}
	if cfg := analyzer.DefaultConfig(); !slices.Equal(cfg.Extensions, []string{".json"}) || cfg.IncludeTests || cfg.Helper != analyzer.DefaultHelper {
		t.Errorf("DefaultConfig() = %+v", cfg)
	}
}
