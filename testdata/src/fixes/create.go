package fixes

import (
	"encoding/json"
	"os"
)

type state struct{ N int }

// saveState has the simple shape that becomes atomicfs.WriteJSON.
func saveState(path string, s state) error {
	f, err := os.Create(path) // want `os\.Create writes path non-atomically: file fed to json\.NewEncoder`
	if err != nil {
		return err
	}
	defer f.Close()
	return json.NewEncoder(f).Encode(s)
}

// saveIndented sets an indent: no mechanical rewrite, message only.
func saveIndented(path string, s state) error {
	f, err := os.Create(path) // want `os\.Create writes path non-atomically: file fed to json\.NewEncoder`
	if err != nil {
		return err
	}
	defer f.Close()
	enc := json.NewEncoder(f)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}

// withName uses f again: message only.
func withName(path string, s state) (string, error) {
	f, err := os.Create(path + ".json") // want `os\.Create writes path \+ "\.json" non-atomically`
	if err != nil {
		return "", err
	}
	defer f.Close()
	return f.Name(), json.NewEncoder(f).Encode(s)
}
