package redteam

import (
	"encoding/json"
	"os"
	"path/filepath"
)

// json.RawMessage holds JSON by definition.
func rawMessage(p string, m json.RawMessage) {
	os.WriteFile(p, m, 0o644) // want `os\.WriteFile writes p non-atomically: data of type json\.RawMessage`
	os.WriteFile(p+".log", m, 0o644)
}

// Variadic joins whose last element is known.
func variadicJoin(parts []string) {
	b := []byte("x")
	os.WriteFile(filepath.Join(append(parts, "v.json")...), b, 0o644)              // want `path ends in \.json`
	os.WriteFile(filepath.Join([]string{"/srv", "w.json"}...), b, 0o644)           // want `path ends in \.json`
	os.WriteFile(filepath.Join(append(parts, "v.txt")...), b, 0o644)               // not JSON
	os.WriteFile(filepath.Join(append([]string{"a.json"}, parts...)...), b, 0o644) // last element unknown
}
