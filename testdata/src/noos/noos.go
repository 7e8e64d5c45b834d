// Package noos imports no os: a sink held by another package's
// variable is still found.
package noos

import "example.com/rtpaths"

func write(b []byte) {
	rtpaths.WriteFn("n.json", b, 0o644) // want `os\.WriteFile writes "n\.json" non-atomically`
	rtpaths.WriteFn("n.txt", b, 0o644)
}
