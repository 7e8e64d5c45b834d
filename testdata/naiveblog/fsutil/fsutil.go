// Package fsutil holds the naive pipeline's file helpers. A helper in a
// package of its own hides the os.WriteFile inside it from a reviewer of the
// caller; the linter follows it through a fact and reports the callers that
// pass it a JSON file.
package fsutil

import (
	"os"
	"path/filepath"
)

// WriteFile creates name's directory if needed and writes data to name.
//
// Mistake: it is os.WriteFile underneath — truncate first, write second.
func WriteFile(name string, data []byte) error { // want WriteFile:`writes\(os\.WriteFile, path=0, data=1\)`
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	return os.WriteFile(name, data, 0o644)
}
