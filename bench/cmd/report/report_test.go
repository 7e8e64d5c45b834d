package main

import (
	"slices"
	"testing"
)

func TestSaltVersion(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"atomicjson version devel comments-go-here buildID=abc123", "atomicjson version devel comments-go-here buildID=abc123-s1"},
		{"vet version go1.26.8", "vet version go1.26.8 salt:s1"},
	} {
		if got := saltVersion(tc.in, "s1"); got != tc.want {
			t.Errorf("saltVersion(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestIsAnalysisRun(t *testing.T) {
	if !isAnalysisRun([]string{"-json", "/tmp/go-build1/b001/vet.cfg"}) {
		t.Error("a vet.cfg run is an analysis run")
	}
	for _, args := range [][]string{{"-flags"}, {"-V=full"}, nil} {
		if isAnalysisRun(args) {
			t.Errorf("%q is not an analysis run", args)
		}
	}
}

func TestCountDiagnostics(t *testing.T) {
	out := []byte(`{"a": {"atomicjson": [{"posn": "a.go:1:1", "message": "x"}, {"posn": "a.go:2:1", "message": "y"}]},
		"b": {"atomicjson": {"error": "type error"}}, "c": {"atomicjson": []}}`)
	n, err := countDiagnostics(out)
	if err != nil || n != 2 {
		t.Errorf("countDiagnostics = %d, %v; want 2, nil", n, err)
	}
	if _, err := countDiagnostics([]byte("not json")); err == nil {
		t.Error("countDiagnostics accepted output that is not JSON")
	}
}

func TestWithoutVars(t *testing.T) {
	got := withoutVars([]string{"A=1", "B=2", "AB=3", "C="}, "A", "C")
	if want := []string{"B=2", "AB=3"}; !slices.Equal(got, want) {
		t.Errorf("withoutVars = %q, want %q", got, want)
	}
}
