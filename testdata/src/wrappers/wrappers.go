// Package wrappers covers wrappers within one package.
package wrappers

import (
	"encoding/json"
	"os"
	"path/filepath"
)

// saveConfig is a wrapper: the report goes to its callers.
func saveConfig(path string, data []byte) error { // want saveConfig:`writes\(os\.WriteFile, path=0, data=1\)`
	return os.WriteFile(path, data, 0o644)
}

// saveJSON proves JSON in its own body: reported there, callers are not.
func saveJSON(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644) // want `os\.WriteFile writes path non-atomically: data from json\.Marshal`
}

func callers(v any) {
	saveConfig("config.json", nil)                   // want `saveConfig writes "config\.json" non-atomically: path ends in \.json`
	saveConfig(filepath.Join("/etc", "x.json"), nil) // want `saveConfig writes filepath\.Join\("/etc", "x\.json"\) non-atomically: path ends in \.json`
	saveConfig("config.txt", nil)                    // not JSON
	saveJSON("config.json", v)                       // already reported in saveJSON
	useLater("later.json")                           // want `useLater writes "later\.json" non-atomically: path ends in \.json`
}

// useLater is declared after its caller: the fixpoint finds it anyway.
func useLater(p string) { // want useLater:`writes\(os\.WriteFile, path=0, data=-1\)`
	lastly(p)
}

func lastly(p string) { // want lastly:`writes\(os\.WriteFile, path=0, data=-1\)`
	saveConfig(p, nil)
}

type repo struct{ root string }

func (r repo) write(name string, b []byte) error { // want write:`writes\(os\.WriteFile, path=0, data=1\)`
	return os.WriteFile(filepath.Join(r.root, name), b, 0o644)
}

func methods(r repo, v any) {
	r.write("index.json", nil) // want `repo\.write writes "index\.json" non-atomically: path ends in \.json`
	b, _ := json.MarshalIndent(v, "", " ")
	r.write("index", b)             // want `repo\.write writes "index" non-atomically: data from json\.MarshalIndent`
	repo.write(r, "expr.json", nil) // want `repo\.write writes "expr\.json" non-atomically: path ends in \.json`
}

func variadic(paths ...string) {
	for _, p := range paths {
		os.WriteFile(p, nil, 0o644) // a variadic parameter is not a wrapper argument
	}
}

func closure() {
	write := func(p string) { os.WriteFile(p, nil, 0o644) } // a literal bound once is a wrapper
	write("lit.json")                                       // want `write writes "lit\.json" non-atomically: path ends in \.json`
}
