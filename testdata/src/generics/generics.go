// Package generics covers generic functions and types.
package generics

import (
	"encoding/json"
	"os"
)

// Save marshals in its own body: reported there.
func Save[T any](path string, v T) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644) // want `os\.WriteFile writes path non-atomically: data from json\.Marshal`
}

// Write is a generic wrapper: its fact is on the generic origin.
func Write[P ~string](p P, b []byte) error { // want Write:`writes\(os\.WriteFile, path=0, data=1\)`
	return os.WriteFile(string(p), b, 0o644)
}

type Name string

type Box[T any] struct{ path string }

func (b *Box[T]) Store(v T) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return os.WriteFile(b.path, data, 0o644) // want `os\.WriteFile writes b\.path non-atomically: data from json\.Marshal`
}

func use() {
	Save("a.json", 1)
	Write(Name("w.json"), nil)   // want `Write writes "w\.json" non-atomically: path ends in \.json`
	Write[string]("w.json", nil) // want `Write writes "w\.json" non-atomically: path ends in \.json`
	Write("w.txt", nil)
	var bx Box[int]
	bx.Store(1)
}
