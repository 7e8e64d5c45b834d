// Package openflags covers os.OpenFile flags followed through locals.
package openflags

import (
	"encoding/json"
	"os"
)

// Flags held in a local variable are followed to their constant values.
func flagsInVar() {
	flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	f, _ := os.OpenFile("fv.json", flags, 0o644) // want `os\.OpenFile writes "fv\.json" non-atomically: path ends in \.json`
	f.Close()
}

func flagsWidened(trunc bool) {
	flags := os.O_WRONLY | os.O_CREATE
	if !trunc {
		flags = os.O_WRONLY | os.O_APPEND
	}
	f, _ := os.OpenFile("fw.json", flags, 0o644) // want `os\.OpenFile writes "fw\.json" non-atomically`
	f.Close()
	g := os.O_RDWR
	if trunc {
		g |= os.O_TRUNC
	}
	h, _ := os.OpenFile("fo.json", g, 0o644) // want `os\.OpenFile writes "fo\.json" non-atomically`
	h.Close()
}

func flagsVarQuiet(flags int) {
	ro := os.O_RDONLY
	f, _ := os.OpenFile("ro.json", ro, 0)
	f.Close()
	app := os.O_WRONLY | os.O_CREATE | os.O_APPEND
	g, _ := os.OpenFile("app.json", app, 0o644)
	g.Close()
	h, _ := os.OpenFile("unknown.json", flags, 0o644) // flags unknown: not reported
	h.Close()
}

// Opening the source read-only is not writing it: the rename moves a file
// written elsewhere.
func readThenRename(src string) error {
	f, _ := os.OpenFile(src, os.O_RDONLY, 0)
	f.Close()
	return os.Rename(src, "archive.json")
}

// A temp opened with O_EXCL and written without Sync is still reported.
func exclTempNoSync(v any) error {
	tmp := "state.json.tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	json.NewEncoder(f).Encode(v)
	f.Close()
	return os.Rename(tmp, "state.json") // want `os\.Rename replaces "state\.json" without fsyncing the temp file first`
}

// Opened for writing without O_TRUNC, then truncated: a rewrite in place.
func truncatedInPlace(v any) error {
	f, err := os.OpenFile("state.json", os.O_RDWR, 0) // want `os\.OpenFile writes "state\.json" non-atomically: path ends in \.json`
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Truncate(0); err != nil {
		return err
	}
	return json.NewEncoder(f).Encode(v)
}

func truncatedMarked(v any) {
	f, _ := os.OpenFile("t.json", os.O_RDWR, 0) // want `os\.OpenFile writes "t\.json" non-atomically: path ends in \.json`
	f.Truncate(0)
	json.NewEncoder(f).Encode(v)
	f.Close()
	g, _ := os.OpenFile("u.json", os.O_RDONLY, 0) // read-only: not a write, whatever follows
	g.Truncate(0)
	h, _ := os.OpenFile("w.json", os.O_RDWR, 0) // written in place without truncation: not this rule
	h.WriteAt([]byte("1"), 10)
}
