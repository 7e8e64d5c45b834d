// Package closures covers function literals bound to a variable, which are
// wrappers like declared functions.
package closures

import (
	"encoding/json"
	"os"
)

// A local function literal with a path parameter is a wrapper: its calls
// are checked with the arguments they pass.
func localClosure(b []byte) { // want localClosure:`writes\(os\.WriteFile, path=-1, data=0\)`
	save := func(p string) error { return os.WriteFile(p, b, 0o644) }
	save("cl.json") // want `save writes "cl\.json" non-atomically: path ends in \.json`
	save("cl.txt")
	put := func(name string, data []byte) { os.WriteFile(name, data, 0o644) }
	v, _ := json.Marshal(b)
	put("blob", v) // want `put writes "blob" non-atomically: data from json\.Marshal`
	put("notes.txt", []byte("x"))
}

// A literal that changes its parameter is not a pass-through.
func retargetClosure(b []byte) { // want retargetClosure:`writes\(os\.WriteFile, path=-1, data=0\)`
	save := func(p string) { os.WriteFile(p+".bak", b, 0o644) }
	save("x.json")
}

// A variable assigned twice may hold another function: not followed.
func reboundClosure(b []byte, other func(string)) { // want reboundClosure:`writes\(os\.WriteFile, path=-1, data=0\)`
	save := func(p string) { os.WriteFile(p, b, 0o644) }
	save = other
	save("y.json")
}

// pkgFunc is a package-level function literal never reassigned.
var pkgFunc = func(p string, b []byte) { os.WriteFile(p, b, 0o644) }

func callPkgFunc(b []byte) { pkgFunc("pf.json", b) } // want `pkgFunc writes "pf\.json" non-atomically: path ends in \.json`

// A closure passing its enclosing function's parameter makes that
// function a wrapper.
func OuterWrapper(name string, b []byte) { // want OuterWrapper:`writes\(os\.WriteFile, path=0, data=1\)`
	save := func(p string) { os.WriteFile(p, b, 0o644) }
	save(name)
}

func callOuter() { OuterWrapper("o.json", nil) } // want `OuterWrapper writes "o\.json" non-atomically: path ends in \.json`
