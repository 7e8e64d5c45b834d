// Package plugin registers the atomicjson analyzer as a golangci-lint v2
// module plugin named "atomicjson".
//
// A custom golangci-lint binary that blank-imports this package (see
// .custom-gcl.yml and scripts/build-golangci-lint in the repository) runs the
// analyzer when a configuration enables it:
//
//	version: "2"
//	linters:
//	  enable:
//	    - atomicjson
//	  settings:
//	    custom:
//	      atomicjson:
//	        type: module
//	        description: reports non-atomic writes of JSON files
//	        original-url: https://github.com/atomicjson/atomicjson
//	        settings:
//	          extensions: [".json", ".geojson"]
//	          include-tests: false
//	          helper: github.com/atomicjson/atomicjson/atomicfs
//
// The settings keys are the analyzer's flag names, so a configuration reads
// the same under golangci-lint, go vet and the standalone command; an
// unknown key is an error rather than silently ignored.
package plugin

import (
	"errors"
	"fmt"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"

	"github.com/atomicjson/atomicjson/analyzer"
)

// Name is the linter name under which the plugin registers, as used in
// linters.enable, linters.settings.custom and //nolint comments.
const Name = "atomicjson"

func init() {
	register.Plugin(Name, New)
}

// Settings are the plugin's settings under
// linters.settings.custom.atomicjson.settings. Each key matches the
// analyzer flag of the same name.
type Settings struct {
	// Extensions are the file extensions that mark a JSON target, e.g.
	// [".json", ".geojson"]; unset means [".json"].
	Extensions *[]string `json:"extensions"`
	// IncludeTests also reports writes in _test.go files.
	IncludeTests bool `json:"include-tests"`
	// Helper is the import path of the atomic-write package, exempt from
	// checks and imported by suggested fixes; unset means atomicfs.
	Helper string `json:"helper"`
}

// config converts the settings into an analyzer configuration, starting
// from analyzer.DefaultConfig so that unset keys keep the defaults, and
// validates it as the analyzer's flags and analyzer.New do: an extension
// that names none ("", ".", " ") is an error, not a linter that matches
// nothing and reports "0 issues".
func (s Settings) config() (analyzer.Config, error) {
	cfg := analyzer.DefaultConfig()
	if s.Extensions != nil {
		if len(*s.Extensions) == 0 {
			return analyzer.Config{}, errors.New(`settings: "extensions" lists no extension`)
		}
		cfg.Extensions = *s.Extensions
	}
	cfg.IncludeTests = s.IncludeTests
	if s.Helper != "" {
		cfg.Helper = s.Helper
	}
	if err := cfg.Validate(); err != nil {
		return analyzer.Config{}, fmt.Errorf("settings: %w", err)
	}
	return cfg, nil
}

// New is the plugin constructor golangci-lint calls with the raw settings
// of linters.settings.custom.atomicjson.settings (nil when there are
// none). Unknown keys and values of the wrong type are errors.
func New(settings any) (register.LinterPlugin, error) {
	s, err := register.DecodeSettings[Settings](settings)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Name, err)
	}
	cfg, err := s.config()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Name, err)
	}
	return &linterPlugin{cfg: cfg}, nil
}

// linterPlugin is the register.LinterPlugin for one configuration.
type linterPlugin struct {
	cfg analyzer.Config
}

// BuildAnalyzers returns a fresh analyzer bound to this plugin's
// configuration. It never touches analyzer.Analyzer or its flags, so
// several configurations can coexist in one process.
func (p *linterPlugin) BuildAnalyzers() ([]*analysis.Analyzer, error) {
	return []*analysis.Analyzer{analyzer.New(p.cfg)}, nil
}

// GetLoadMode asks for type information: the analyzer resolves callees by
// type and exchanges facts between packages.
func (p *linterPlugin) GetLoadMode() string {
	return register.LoadModeTypesInfo
}
