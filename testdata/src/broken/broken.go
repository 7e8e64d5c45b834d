// Package broken does not type-check; the pass still runs and never panics.
package broken

import (
	"encoding/json"
	"os"
)

func write(v any) {
	os.WriteFile("ok.json", nil, 0o644) // want `os\.WriteFile writes "ok\.json" non-atomically`
	b, _ := json.Marshal(undefinedValue)
	os.WriteFile(undefinedPath, b, 0o644) // want `os\.WriteFile writes undefinedPath non-atomically: data from json\.Marshal`
	os.WriteFile(missing(), nil, 0o644)
	os.WriteFile("x.json") // wrong arity: not checked
	os.WriteFile()
	os.OpenFile("y.json", undefinedFlags, 0o644)
	undefinedFunc("z.json", nil)
	var w func(string, []byte, os.FileMode) error
	w("z.json", nil, 0)
}

// New shapes on broken code: unknown encoders, renames with missing
// arguments, helpers with unknown types, a buffer of an unknown type.
func moreBroken(v any) error {
	b, _ := unknownjson.Marshal(v)
	os.WriteFile("a", b, 0o644)
	var buf undefinedBuffer
	buf.Reset()
	os.WriteFile("b", buf.Bytes(), 0o644)
	f, _ := os.Create("c.tmp")
	f.Close()
	os.Rename()
	os.Rename(f.Name())
	replace(f.Name(), "c.json")
	json.Valid(undefinedBytes)
	os.WriteFile("d", undefinedBytes, 0o644)
	return os.Rename(f.Name(), strings.Join([]string{undefinedBase, "json"}, "."))
}

func replace(a, b string) error { return os.Rename(a, b, extra) }

func variadicBroken(elem ...undefinedType) string { return filepath.Join(elem...) }
