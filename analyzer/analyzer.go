package analyzer

import (
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"strings"
	"unicode"

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
	a.Flags.Var((*helperPath)(&c.helper), "helper", "import `path` of the atomic-write package: exempt from checks, imported by fixes")
	return a
}

// config is the analyzer's private copy of Config, bound to its flags.
type config struct {
	exts         []string
	includeTests bool
	helper       string
	err          error // what Validate found wrong with the Config given to New
}

func (c *config) set(cfg Config) {
	c.err = cfg.Validate()
	c.exts, _ = normExts(cfg.Extensions)
	if len(cfg.Extensions) == 0 {
		c.exts = []string{".json"}
	}
	c.includeTests = cfg.IncludeTests
	c.helper = strings.TrimSpace(cfg.Helper)
	if c.helper == "" {
		c.helper = DefaultHelper
	}
}

// Validate reports what is wrong with cfg, as the -extensions and -helper
// flags, golangci-lint's plugin settings and New all judge it: an
// extension that names none ("", ".", " ") or holds a blank or a path
// separator, or a helper that is no import path. An analyzer from New with
// an invalid configuration fails on every package with this error rather
// than match nothing and pass everything.
func (cfg Config) Validate() error {
	if _, err := normExts(cfg.Extensions); err != nil {
		return err
	}
	if h := strings.TrimSpace(cfg.Helper); h != "" && !validImportPath(h) {
		return fmt.Errorf("helper %q is not an import path", cfg.Helper)
	}
	return nil
}

// validImportPath reports whether p can be an import path: non-empty
// elements of graphic characters without blanks, quotes or backslashes.
func validImportPath(p string) bool {
	for _, elem := range strings.Split(p, "/") {
		if elem == "" || elem == "." || elem == ".." {
			return false
		}
		for _, r := range elem {
			if !unicode.IsGraphic(r) || unicode.IsSpace(r) || strings.ContainsRune("\\\"'`", r) {
				return false
			}
		}
	}
	return true
}

// normExts lower-cases the extensions and adds the leading dot where it is
// missing ("json" means ".json", not any name ending in "json", such as
// "nojson"). An element that names no extension is an error.
func normExts(in []string) ([]string, error) {
	var out []string
	for _, raw := range in {
		e := strings.ToLower(strings.TrimSpace(raw))
		if !strings.HasPrefix(e, ".") {
			e = "." + e
		}
		if e == "." || strings.ContainsAny(e, "/\\ \t") {
			return nil, fmt.Errorf("extension %q names no file extension (want a suffix such as .json)", raw)
		}
		out = append(out, e)
	}
	return out, nil
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
	if strings.TrimSpace(s) == "" {
		return fmt.Errorf("no extension in %q", s)
	}
	exts, err := normExts(strings.Split(s, ","))
	if err != nil {
		return err
	}
	*l = exts
	return nil
}

// helperPath is the flag.Value of -helper.
type helperPath string

func (h *helperPath) String() string {
	if h == nil {
		return ""
	}
	return string(*h)
}

func (h *helperPath) Set(s string) error {
	s = strings.TrimSpace(s)
	if s == "" {
		return errors.New("empty import path")
	}
	if err := (Config{Helper: s}).Validate(); err != nil {
		return err
	}
	*h = helperPath(s)
	return nil
}
