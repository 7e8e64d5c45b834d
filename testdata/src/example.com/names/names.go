// Package names writes nothing (it does not import os): it still exports a
// fact for its function that returns a JSON path.
package names

import "path/filepath"

// State is the state file's name.
const State = "state.json"

// StatePath returns the path of the state file in dir.
func StatePath(dir string) string { // want StatePath:`jsonPath\("state\.json"\)`
	return filepath.Join(dir, State)
}

// Describe does not return a path.
func Describe() string { return "state file" }
