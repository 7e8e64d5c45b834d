// Package variadic covers variadic path helpers: the last argument decides
// the path's extension.
package variadic

import (
	"os"

	"example.com/dirs"
)

func write(d dirs.Dir, b []byte, names []string) { // want write:`writes\(os\.WriteFile, path=-1, data=1\)`
	os.WriteFile(d.Path(dirs.PolicyFile), b, 0o644)            // want `os\.WriteFile writes d\.Path\(dirs\.PolicyFile\) non-atomically: path ends in \.json`
	os.WriteFile(d.Path("etc", "app", "cfg.json"), b, 0o644)   // want `path ends in \.json`
	os.WriteFile(dirs.Rel("a", "b.json"), b, 0o644)            // want `path ends in \.json`
	os.WriteFile(dirs.Under("/srv", "c.json"), b, 0o644)       // want `path ends in \.json`
	os.WriteFile(d.Path(append(names, "d.json")...), b, 0o644) // want `path ends in \.json`
	// Near misses: another last element, no element, an unknown spread.
	os.WriteFile(d.Path(dirs.PolicyFile, "notes.txt"), b, 0o644)
	os.WriteFile(d.Path(), b, 0o644)
	os.WriteFile(d.Path(names...), b, 0o644)
	os.WriteFile(dirs.Under("x.json"), b, 0o644)
}

// A wrapper with a variadic path: the last argument of each call decides.
func save(b []byte, elem ...string) error { // want save:`writes\(os\.WriteFile, path=1, data=0\)`
	return os.WriteFile(dirs.Rel(elem...), b, 0o644)
}

func callSave() {
	save(nil, "var", "state.json") // want `save writes "state\.json" non-atomically: path ends in \.json`
	save(nil, "state.json", "log")
}
