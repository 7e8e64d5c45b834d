package plugin

import (
	"flag"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/atomicjson/atomicjson/analyzer"
)

// build runs the plugin constructor as golangci-lint does and returns the
// single analyzer it builds.
func build(t *testing.T, settings any) *analysis.Analyzer {
	t.Helper()
	newPlugin, err := register.GetPlugin(Name)
	if err != nil {
		t.Fatal(err)
	}
	p, err := newPlugin(settings)
	if err != nil {
		t.Fatalf("New(%#v): %v", settings, err)
	}
	if got := p.GetLoadMode(); got != register.LoadModeTypesInfo {
		t.Errorf("GetLoadMode() = %q, want %q", got, register.LoadModeTypesInfo)
	}
	as, err := p.BuildAnalyzers()
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 1 || as[0].Name != "atomicjson" {
		t.Fatalf("BuildAnalyzers() = %v, want the one atomicjson analyzer", as)
	}
	return as[0]
}

// flags returns the analyzer's flag values by name.
func flags(a *analysis.Analyzer) map[string]string {
	m := make(map[string]string)
	a.Flags.VisitAll(func(f *flag.Flag) { m[f.Name] = f.Value.String() })
	return m
}

func TestSettingsBecomeFlags(t *testing.T) {
	for _, tc := range []struct {
		name     string
		settings any
		want     map[string]string
	}{
		{"none", nil, map[string]string{"extensions": ".json", "include-tests": "false", "helper": analyzer.DefaultHelper}},
		{"empty", map[string]any{}, map[string]string{"extensions": ".json", "include-tests": "false", "helper": analyzer.DefaultHelper}},
		{"all", map[string]any{
			"extensions":    []any{".json", ".GeoJSON"},
			"include-tests": true,
			"helper":        "example.com/atomic",
		}, map[string]string{"extensions": ".json,.geojson", "include-tests": "true", "helper": "example.com/atomic"}},
		{"some", map[string]any{"include-tests": true}, map[string]string{"extensions": ".json", "include-tests": "true", "helper": analyzer.DefaultHelper}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := flags(build(t, tc.settings))
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("flag %s = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

func TestBadSettings(t *testing.T) {
	for _, tc := range []struct {
		name     string
		settings any
		want     string // in the error
	}{
		{"unknown key", map[string]any{"extension": []any{".json"}}, `unknown field "extension"`},
		{"camel case", map[string]any{"includetests": true}, `unknown field "includetests"`},
		{"extensions as string", map[string]any{"extensions": ".json"}, "extensions"},
		{"include-tests as string", map[string]any{"include-tests": "yes"}, "include-tests"},
		{"no extension", map[string]any{"extensions": []any{}}, `"extensions" lists no extension`},
		{"only empty extensions", map[string]any{"extensions": []any{""}}, `extension "" names no file extension`},
		{"a dot", map[string]any{"extensions": []any{"."}}, `extension "." names no file extension`},
		{"a blank", map[string]any{"extensions": []any{" "}}, `extension " " names no file extension`},
		{"a dot among others", map[string]any{"extensions": []any{".json", "."}}, `extension "." names no file extension`},
		{"helper with a space", map[string]any{"helper": "example.com/my helper"}, `helper "example.com/my helper" is not an import path`},
		{"not a map", []any{"x"}, "decoding settings"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := New(tc.settings)
			if err == nil {
				t.Fatalf("New(%#v) = %v, want an error", tc.settings, p)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "atomicjson: ") {
				t.Errorf("New(%#v) error %q, want it to start with \"atomicjson: \" and contain %q", tc.settings, err, tc.want)
			}
		})
	}
}

// ignoreWants is an analysistest.Testing that ignores the complaints about
// diagnostics without a // want comment: the tests below read the
// diagnostics from the results, because the wanted ones depend on the
// configuration.
type ignoreWants struct{}

func (ignoreWants) Errorf(string, ...any) {}

// reported runs a on testdata/src/exts and returns the targets it reports,
// in order.
func reported(t *testing.T, a *analysis.Analyzer) []string {
	t.Helper()
	var targets []string
	for _, res := range analysistest.Run(ignoreWants{}, analysistest.TestData(), a, "exts") {
		if res.Err != nil {
			t.Fatal(res.Err)
		}
		for _, d := range res.Diagnostics {
			_, rest, _ := strings.Cut(d.Message, `"`)
			target, _, _ := strings.Cut(rest, `"`)
			targets = append(targets, target)
		}
	}
	return targets
}

// TestConfigurationsDoNotInterfere builds two differently configured
// analyzers in one process and runs them interleaved: each keeps its own
// settings, and neither changes the package-level analyzer.Analyzer.
func TestConfigurationsDoNotInterfere(t *testing.T) {
	before := flags(analyzer.Analyzer)
	jsonOnly := build(t, map[string]any{"extensions": []any{".json"}})
	geoOnly := build(t, map[string]any{"extensions": []any{".geojson"}})
	for range 2 {
		if got, want := reported(t, jsonOnly), []string{"config.json"}; !slices.Equal(got, want) {
			t.Errorf("json-only analyzer reported %q, want %q", got, want)
		}
		if got, want := reported(t, geoOnly), []string{"map.geojson"}; !slices.Equal(got, want) {
			t.Errorf("geojson-only analyzer reported %q, want %q", got, want)
		}
	}
	if after := flags(analyzer.Analyzer); !maps.Equal(before, after) {
		t.Errorf("analyzer.Analyzer flags changed from %v to %v", before, after)
	}
}

// TestValidationAgrees checks that every entry point judges a
// configuration the same way: the plugin's settings, the -extensions flag,
// analyzer.Config.Validate, and an analyzer from analyzer.New, which fails
// on a package instead of matching nothing.
func TestValidationAgrees(t *testing.T) {
	for _, exts := range [][]string{{"."}, {" "}, {""}, {".json", "."}, {"a/b"}, {".j son"}} {
		t.Run(strings.Join(exts, ","), func(t *testing.T) {
			raw := make([]any, len(exts))
			for i, e := range exts {
				raw[i] = e
			}
			if _, err := New(map[string]any{"extensions": raw}); err == nil {
				t.Errorf("plugin settings accept %q", exts)
			}
			cfg := analyzer.Config{Extensions: exts}
			if cfg.Validate() == nil {
				t.Errorf("Config.Validate accepts %q", exts)
			}
			if err := analyzer.New(analyzer.DefaultConfig()).Flags.Set("extensions", strings.Join(exts, ",")); err == nil {
				t.Errorf("-extensions=%s is accepted", strings.Join(exts, ","))
			}
			if exts[0] != "." {
				return // loading a package for each value would add nothing
			}
			results := analysistest.Run(ignoreWants{}, analysistest.TestData(), analyzer.New(cfg), "exts")
			// The root fails with its prerequisites, the first of which
			// says why.
			if len(results) == 0 || results[0].Action.Err == nil {
				t.Errorf("analyzer.New(%q) runs without an error", exts)
			}
		})
	}
	for _, good := range [][]string{{"json"}, {".JSON", ".geojson"}, {" .json "}} {
		cfg := analyzer.Config{Extensions: good}
		if err := cfg.Validate(); err != nil {
			t.Errorf("Config.Validate(%q): %v", good, err)
		}
		if err := analyzer.New(analyzer.DefaultConfig()).Flags.Set("extensions", strings.Join(good, ",")); err != nil {
			t.Errorf("-extensions=%s: %v", strings.Join(good, ","), err)
		}
	}
}
