// Package chainlib has a wrapper chain whose last link truncates in place,
// and a wrapper whose own body proves JSON, for callers in other packages.
package chainlib

import (
	"encoding/json"
	"os"
)

// Store hands its arguments down the chain.
func Store(path string, b []byte) error { return put(path, b) } // want Store:`writes\(os\.OpenFile, path=0, data=1\)`

func put(path string, b []byte) error { return truncate(path, b) } // want put:`writes\(os\.OpenFile, path=0, data=1\)`

func truncate(path string, b []byte) error { // want truncate:`writes\(os\.OpenFile, path=0, data=1\)`
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.Write(b)
	return err
}

// SaveJSON marshals and stores: reported here, so it carries no wrapper fact.
func SaveJSON(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return Store(path, b) // want `Store writes path non-atomically: data from json\.Marshal`
}
