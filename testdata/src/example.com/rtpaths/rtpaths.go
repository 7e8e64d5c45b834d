// Package rtpaths provides path helpers and values for redteam's
// cross-package cases.
package rtpaths

import (
	"os"
	"path/filepath"
	"strings"
)

// DefaultState is never reassigned here: callers elsewhere know its value.
var DefaultState = "state.json" // want DefaultState:`jsonPath\("state.json"\)`

// Moving is reassigned below: unknown.
var Moving = "moving.json"

// InitOnly is set once, in init: that is its definition.
var InitOnly string // want InitOnly:`jsonPath\("init.json"\)`

// LogName is not JSON: no fact.
var LogName = "app.log"

// WriteFn holds a sink.
var WriteFn = os.WriteFile // want WriteFn:`holds\(os.WriteFile\)`

// ReadFn holds no sink.
var ReadFn = os.ReadFile

func init() {
	InitOnly = filepath.Join(root, "init.json")
}

// Move changes Moving.
func Move() { Moving = "elsewhere" }

var root = "/var/lib/app"

// Named puts a name under root: the result ends with the argument.
func Named(n string) string { // want Named:`pathEndsWithParam\(0\)`
	return filepath.Join(root, n)
}

// In joins dir and name: the result ends with the second argument.
func In(dir, name string) string { // want In:`pathEndsWithParam\(1\)`
	return dir + "/" + name
}

// Index is a JSON path whatever the argument: the known tail wins.
func Index(dir string) string { // want Index:`jsonPath\("index.json"\)`
	if dir == "" {
		return dir
	}
	return filepath.Join(dir, "index.json")
}

// Lower changes its argument: its result does not end with it.
func Lower(n string) string {
	return strings.ToLower(n)
}

// Backup appends a suffix: the result ends in ".bak", not in the argument.
func Backup(n string) string {
	return n + ".bak"
}
