// Package customhelper is fixed onto a custom -helper.
package customhelper

import "os"

func write(b []byte) error {
	return os.WriteFile("c.json", b, 0o644) // want `os\.WriteFile writes "c\.json" non-atomically: path ends in \.json`
}
