// Package crossvalues covers path helpers, wrappers and variables of
// another package, known through facts.
package crossvalues

import (
	"os"
	"strings"

	"example.com/rtpaths"
)

func crossPathHelpers() {
	b := []byte("{}")
	os.WriteFile(rtpaths.Named("index.json"), b, 0o644) // want `os\.WriteFile writes rtpaths\.Named\("index\.json"\) non-atomically: path ends in \.json`
	os.WriteFile(rtpaths.Named("notes.txt"), b, 0o644)
	os.WriteFile(rtpaths.In("/tmp", "a.json"), b, 0o644) // want `path ends in \.json`
	os.WriteFile(rtpaths.In("a.json", "dir"), b, 0o644)
	os.WriteFile(rtpaths.Index("/srv"), b, 0o644) // want `path ends in \.json`
	os.WriteFile(rtpaths.Lower("X.txt"), b, 0o644)
	os.WriteFile(rtpaths.Backup("x.json"), b, 0o644)
	os.WriteFile(strings.TrimSuffix("x.json", ".json"), b, 0o644) // may return its argument, but not always
}

// NamedWrapper passes its parameter through the helper: a wrapper.
func NamedWrapper(n string, b []byte) { // want NamedWrapper:`writes\(os\.WriteFile, path=0, data=1\)`
	os.WriteFile(rtpaths.Named(n), b, 0o644)
}

func callNamedWrapper() { NamedWrapper("state.json", nil) } // want `NamedWrapper writes "state\.json" non-atomically: path ends in \.json`

func crossVars() {
	b := []byte("{}")
	os.WriteFile(rtpaths.DefaultState, b, 0o644) // want `os\.WriteFile writes rtpaths\.DefaultState non-atomically: path ends in \.json`
	os.WriteFile(rtpaths.InitOnly, b, 0o644)     // want `path ends in \.json`
	os.WriteFile(rtpaths.Moving, b, 0o644)
	os.WriteFile(rtpaths.LogName, b, 0o644)
	rtpaths.WriteFn("fv.json", b, 0o644) // want `os\.WriteFile writes "fv\.json" non-atomically: path ends in \.json`
	rtpaths.WriteFn("fv.txt", b, 0o644)
	rtpaths.ReadFn("r.json")
}
