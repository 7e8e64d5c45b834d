// Package syncfix covers the suggested fix that inserts the missing Sync of
// a temp file before its Close (or before the rename when a defer closes
// it), handling Sync's error as the code handles Close's.
package syncfix

import (
	"encoding/json"
	"os"
)

func closeChecked(v any) error {
	f, err := os.CreateTemp(".", "a-*")
	if err != nil {
		return err
	}
	if err := json.NewEncoder(f).Encode(v); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), "a.json") // want `os\.Rename replaces "a\.json" without fsyncing the temp file first: path ends in \.json`
}

func closeIgnored(b []byte) error {
	f, _ := os.Create("b.json.tmp")
	f.Write(b)
	f.Close()
	return os.Rename("b.json.tmp", "b.json") // want `os\.Rename replaces "b\.json" without fsyncing`
}

// err = f.Close() then a check: a copy for Sync would have Close overwrite
// Sync's error, so no fix.
func closeAssigned(b []byte) (err error) {
	f, err := os.CreateTemp(".", "c-*")
	if err != nil {
		return err
	}
	f.Write(b)
	err = f.Close()
	if err != nil {
		return err
	}
	return os.Rename(f.Name(), "c.json") // want `os\.Rename replaces "c\.json" without fsyncing`
}

func deferred(v any) error {
	f, err := os.CreateTemp(".", "d-*")
	if err != nil {
		return err
	}
	defer f.Close()
	json.NewEncoder(f).Encode(v)
	return os.Rename(f.Name(), "d.json") // want `os\.Rename replaces "d\.json" without fsyncing`
}

// A deferred close in a function with more results: no fix, message only.
func deferredTwoResults(v any) (int, error) {
	f, err := os.CreateTemp(".", "e-*")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	json.NewEncoder(f).Encode(v)
	return 1, os.Rename(f.Name(), "e.json") // want `os\.Rename replaces "e\.json" without fsyncing`
}
