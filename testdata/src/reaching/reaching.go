// Package redteam holds the cases a red-team review found: each positive
// and negative pins one behaviour of the value-following walk.
package reaching

import (
	"encoding/json"
	"os"
	"strings"
)

// The marshaled bytes are replaced before the second write: only the
// assignment that reaches a write counts as its data.
func replacedData(v any, pem []byte) {
	data, _ := json.Marshal(v)
	os.Stdout.Write(data)
	data = pem
	os.WriteFile("cert", data, 0o600)
}

// The marshaled bytes reach the write on one branch: reported.
func branchData(v any, raw []byte, ok bool) {
	data := raw
	if ok {
		data, _ = json.Marshal(v)
	}
	os.WriteFile("out", data, 0o600) // want `os\.WriteFile writes "out" non-atomically: data from json\.Marshal`
}

// A value assigned later in a loop reaches the next iteration's write.
func loopCarried(names []string, data []byte) {
	p := "first"
	for range names {
		os.WriteFile(p, data, 0o600) // want `os\.WriteFile writes p non-atomically: path ends in \.json`
		p = "next.json"
	}
}

// ParamRetarget writes name+".bak", not the name its callers pass: no
// wrapper fact, and a caller passing "x.json" is not blamed.
func ParamRetarget(name string, data []byte) error { // want ParamRetarget:`writes\(os\.WriteFile, path=-1, data=1\)`
	name = name + ".bak"
	return os.WriteFile(name, data, 0o644)
}

func callRetarget(b []byte) { ParamRetarget("x.json", b) } // want callRetarget:`writes\(os\.WriteFile, path=-1, data=0\)`

// EnsureExt adds ".json" when missing: the body shows a JSON target.
func EnsureExt(name string, data []byte) error {
	if !strings.HasSuffix(name, ".json") {
		name += ".json"
	}
	return os.WriteFile(name, data, 0o644) // want `os\.WriteFile writes name non-atomically: path ends in \.json`
}

// The data parameter defaults to JSON: reported in the body.
func DataDefault(p string, v any, data []byte) error {
	if data == nil {
		data, _ = json.Marshal(v)
	}
	return os.WriteFile(p, data, 0o644) // want `os\.WriteFile writes p non-atomically: data from json\.Marshal`
}

// The data parameter is always replaced: the caller's bytes never reach
// the write, so only the path is passed through.
func DataReplaced(p string, data []byte) error { // want DataReplaced:`writes\(os\.WriteFile, path=0, data=-1\)`
	data = []byte("fixed")
	return os.WriteFile(p, data, 0o644)
}

func callDataReplaced(v any) {
	b, _ := json.Marshal(v)
	DataReplaced("out.txt", b)
}

// Sequential self-assignments keep the known tail.
func selfAssign() {
	data := []byte("{}")
	s := "state"
	s = s + ".tmp"
	os.WriteFile(s, data, 0o644)
	s = strings.TrimSuffix(s, ".tmp") + ".json"
	os.WriteFile(s, data, 0o644) // want `os\.WriteFile writes s non-atomically: path ends in \.json`
}

// A closure reads the variable when it runs, after later assignments.
func closureReadsLater(b []byte) {
	p := "a.txt"
	write := func() { os.WriteFile(p, b, 0o644) } // want `os\.WriteFile writes p non-atomically: path ends in \.json`
	p = "b.json"
	write()
}
