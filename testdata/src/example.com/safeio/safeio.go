// Package safeio stands for a team's own atomic-write package, named with
// -helper: its writes are exempt.
package safeio

import (
	"io/fs"
	"os"
)

func WriteFile(name string, data []byte, perm fs.FileMode) error {
	return os.WriteFile(name, data, perm) // exempt: the helper
}

func reset() { os.WriteFile("state.json", nil, 0o644) } // exempt: the helper
