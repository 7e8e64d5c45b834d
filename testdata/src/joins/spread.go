package joins

import (
	"os"
	"path/filepath"
)

// Variadic joins whose last element is known.
func variadicJoin(parts []string) {
	b := []byte("x")
	os.WriteFile(filepath.Join(append(parts, "v.json")...), b, 0o644)              // want `path ends in \.json`
	os.WriteFile(filepath.Join([]string{"/srv", "w.json"}...), b, 0o644)           // want `path ends in \.json`
	os.WriteFile(filepath.Join(append(parts, "v.txt")...), b, 0o644)               // not JSON
	os.WriteFile(filepath.Join(append([]string{"a.json"}, parts...)...), b, 0o644) // last element unknown
}
