// Package joins covers strings.Join with a known last element and separator.
package joins

import (
	"os"
	"strings"
)

func joined(base string, parts []string) {
	b := []byte("x")
	os.WriteFile(strings.Join([]string{base, "json"}, "."), b, 0o644) // want `os\.WriteFile writes strings\.Join\(\[\]string\{…\}, "\."\) non-atomically: path ends in \.json`
	name := []string{base, "state", "json"}
	os.WriteFile(strings.Join(name, "."), b, 0o644)                         // want `path ends in \.json`
	os.WriteFile(strings.Join(append(parts, "cfg", "json"), "."), b, 0o644) // want `path ends in \.json`
	os.WriteFile(strings.Join([]string{base, "x.json"}, "/"), b, 0o644)     // want `path ends in \.json`
	// Near misses: one element (no separator), an unknown separator, a
	// last element that is not an extension.
	os.WriteFile(strings.Join([]string{"json"}, "."), b, 0o644)
	os.WriteFile(strings.Join([]string{base, "json"}, sep()), b, 0o644)
	os.WriteFile(strings.Join(append(parts, "json"), "."), b, 0o644)
	os.WriteFile(strings.Join([]string{base, "json"}, "-"), b, 0o644)
}

func sep() string { return os.Getenv("SEP") }
