package analyzer

import (
	_ "embed"
	"flag"
	"fmt"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// DefaultHelper is the import path of the atomic-write package that fixes
// import and whose own code is exempt.
const DefaultHelper = "github.com/atomicjson/atomicjson/atomicfs"

// Config configures an analyzer built by New.
type Config struct {
	Extensions   []string // suffixes, case-insensitive, a missing leading dot added; default []string{".json"}
	IncludeTests bool     // also check _test.go files
	Helper       string   // import path of the atomic-write package; default DefaultHelper
}

// DefaultConfig returns the configuration of Analyzer: .json targets, no
// test files, the atomicfs package of this module as the helper.
func DefaultConfig() Config {
	return Config{Extensions: []string{".json"}, Helper: DefaultHelper}
}

// Analyzer is the atomicjson pass with the default configuration.
var Analyzer = New(DefaultConfig())

// doc is the source of doc.go, whose package comment documents the pass.
//
//go:embed doc.go
var doc string

// New returns an analyzer named atomicjson configured by cfg. Each call
// returns an independent analyzer: its flags (-extensions, -include-tests,
// -helper) are bound to its own copy of cfg, so differently configured
// analyzers can run side by side.
func New(cfg Config) *analysis.Analyzer {
	c := &config{}
	c.set(cfg)
	a := &analysis.Analyzer{
		Name:             "atomicjson",
		Doc:              extractDoc(doc, "atomicjson"),
		URL:              "https://github.com/atomicjson/atomicjson#the-linter",
		FactTypes:        []analysis.Fact{new(pathFact), new(dataFact), new(wrapperFact), new(varFact), new(renameFact), new(tempFact)},
		RunDespiteErrors: true,
		Run:              c.run,
	}
	a.Flags.Var((*extList)(&c.exts), "extensions", "comma-separated file `extensions` that mark a JSON target (case-insensitive)")
	a.Flags.BoolVar(&c.includeTests, "include-tests", c.includeTests, "also report writes in _test.go files")
	a.Flags.StringVar(&c.helper, "helper", c.helper, "import `path` of the atomic-write package: exempt from checks, imported by fixes")
	return a
}

// config is the analyzer's private copy of Config, bound to its flags.
type config struct {
	exts         []string
	includeTests bool
	helper       string
}

func (c *config) set(cfg Config) {
	c.exts = normExts(cfg.Extensions)
	if len(cfg.Extensions) == 0 {
		c.exts = []string{".json"}
	}
	c.includeTests = cfg.IncludeTests
	c.helper = cfg.Helper
	if c.helper == "" {
		c.helper = DefaultHelper
	}
}

// normExts lower-cases the extensions, adds the leading dot where it is
// missing ("json" means ".json", not any name ending in "json", such as
// "nojson"), and drops empty ones.
func normExts(in []string) []string {
	var out []string
	for _, e := range in {
		e = strings.ToLower(strings.TrimSpace(e))
		if e != "" && e != "." {
			if !strings.HasPrefix(e, ".") {
				e = "." + e
			}
			out = append(out, e)
		}
	}
	return out
}

// extList is the flag.Value of -extensions.
type extList []string

var _ flag.Value = (*extList)(nil)

func (l *extList) String() string {
	if l == nil {
		return ""
	}
	return strings.Join(*l, ",")
}

func (l *extList) Set(s string) error {
	exts := normExts(strings.Split(s, ","))
	if len(exts) == 0 {
		return fmt.Errorf("no extension in %q", s)
	}
	*l = exts
	return nil
}
