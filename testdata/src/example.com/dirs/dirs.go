// Package dirs has variadic path helpers and a constant from a dependency.
package dirs

import (
	"path"
	"path/filepath"
)

// PolicyFile is the name of the policy file.
const PolicyFile = "policy.json"

// Dir is a directory tree.
type Dir struct{ root string }

// Path joins elem under the root: its result ends with the last element.
func (d Dir) Path(elem ...string) string { // want Path:`pathEndsWithParam\(0\)`
	return filepath.Join(append([]string{d.root}, elem...)...)
}

// Rel joins elem with path.Join.
func Rel(elem ...string) string { // want Rel:`pathEndsWithParam\(0\)`
	return path.Join(elem...)
}

// Under takes a prefix first.
func Under(root string, elem ...string) string { // want Under:`pathEndsWithParam\(1\)`
	return filepath.Join(append([]string{root, "data"}, elem...)...)
}
