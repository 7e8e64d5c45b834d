// Package cgofix uses cgo: the pass reports, but offers no edits, since the
// file it sees is cgo's output.
package cgofix

// static int one(void) { return 1; }
import "C"

import "os"

func write() error {
	_ = C.one()
	return os.WriteFile("cgo.json", nil, 0o644) // want `os\.WriteFile writes "cgo\.json" non-atomically`
}
