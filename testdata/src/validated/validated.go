// Package validated covers bytes parsed as JSON before they are written.
package validated

import (
	"encoding/json"
	"errors"
	"os"

	goccy "github.com/goccy/go-json"
	k8sjson "sigs.k8s.io/json"
)

// The body validates its data parameter: reported here, not at callers.
func saveChecked(p string, b []byte) error {
	if !json.Valid(b) {
		return errors.New("not JSON")
	}
	return os.WriteFile(p, b, 0o644) // want `os\.WriteFile writes p non-atomically: data parsed by json\.Valid`
}

func callSaveChecked() { saveChecked("x", nil) }

func unmarshalled(p string, b []byte) error {
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	return os.WriteFile(p, b, 0o644) // want `data parsed by json\.Unmarshal`
}

func otherDecoders(p string, b []byte, s string) {
	var v any
	goccy.Unmarshal(b, &v)
	os.WriteFile(p, b, 0o644) // want `data parsed by goccy/go-json\.Unmarshal`
	k8sjson.UnmarshalCaseSensitivePreserveInts([]byte(s), &v)
	os.WriteFile(p+"2", []byte(s), 0o644) // want `data parsed by sigs\.k8s\.io/json\.UnmarshalCaseSensitivePreserveInts`
}

// Near misses: validated after the write, another value assigned in
// between, or a different variable validated.
func nearMisses(p string, b, other []byte, fetch func() []byte) { // want nearMisses:`writes\(os\.WriteFile, path=0, data=1\)`
	os.WriteFile(p, b, 0o644)
	json.Valid(b)
	json.Valid(other)
	c := fetch()
	json.Valid(c)
	c = fetch()
	os.WriteFile(p+"c", c, 0o644)
}
