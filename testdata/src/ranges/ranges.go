// Package ranges covers range values over literal lists of names.
package ranges

import (
	"os"
	"path/filepath"
)

var stateFiles = []string{"a.json", "b.json"}

var logFiles = [...]string{"a.log", "b.log"}

// Range values over known strings are followed.
func rangeLiteral(dir string) {
	b := []byte("{}")
	for _, n := range []string{"a.json", "b.json"} {
		os.WriteFile(n, b, 0o644) // want `os\.WriteFile writes n non-atomically: path ends in \.json`
	}
	names := []string{"x.txt", "y.json"}
	for _, n := range names {
		os.WriteFile(filepath.Join(dir, n), b, 0o644) // want `path ends in \.json`
	}
	for _, n := range stateFiles {
		os.WriteFile(n, b, 0o644) // want `path ends in \.json`
	}
	for _, n := range logFiles {
		os.WriteFile(n, b, 0o644)
	}
	for _, n := range map[string]string{"k": "m.json"} {
		os.WriteFile(n, b, 0o644) // want `path ends in \.json`
	}
	for _, n := range []string{"a.txt", "b.txt"} {
		os.WriteFile(n, b, 0o644)
	}
	for _, n := range []string{"a.json"} {
		n = n + ".bak"
		os.WriteFile(n, b, 0o644)
	}
}

// A slice parameter's elements are unknown.
func rangeParam(names []string) {
	b := []byte("{}")
	for _, n := range names {
		os.WriteFile(n, b, 0o644)
	}
	for i := range names { // the key is an index, not a name
		os.WriteFile(names[i], b, 0o644)
	}
}
