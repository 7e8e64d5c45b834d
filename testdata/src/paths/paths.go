// Package paths covers path evidence: a target is JSON when its path is known
// to end in .json.
package paths

import (
	"fmt"
	"io/ioutil"
	"os"
	"path"
	"path/filepath"
	"strings"
)

const configName = "config.json"

const dir = "/var/lib/app"

var data = []byte("{}")

func literals() {
	os.WriteFile("settings.json", data, 0o644)     // want `os\.WriteFile writes "settings\.json" non-atomically: path ends in \.json`
	ioutil.WriteFile("settings.json", data, 0o644) // want `ioutil\.WriteFile writes "settings\.json" non-atomically: path ends in \.json`
	os.WriteFile("SETTINGS.JSON", data, 0o644)     // want `os\.WriteFile writes "SETTINGS\.JSON" non-atomically: path ends in \.json`
	os.WriteFile("notes.txt", data, 0o644)         // not JSON
	os.WriteFile("events.jsonl", data, 0o644)      // append logs are not JSON by default
	os.WriteFile("events.ndjson", data, 0o644)     // append logs are not JSON by default
	os.WriteFile("config.json.bak", data, 0o644)   // the extension is what counts
	os.WriteFile(dir+"/"+configName, data, 0o644)  // want `os\.WriteFile writes "/var/lib/app/config\.json" non-atomically`
	os.WriteFile(configName, data, 0o644)          // want `os\.WriteFile writes "config\.json" non-atomically`
}

func concatenation(base string) { // want concatenation:`writes\(os\.WriteFile, path=0, data=-1\)`
	os.WriteFile(base+".json", data, 0o644)      // want `os\.WriteFile writes base \+ "\.json" non-atomically: path ends in \.json`
	os.WriteFile(base+"."+"json", data, 0o644)   // want `os\.WriteFile writes .* non-atomically`
	os.WriteFile(base+".yaml", data, 0o644)      // not JSON
	os.WriteFile("state.json"+base, data, 0o644) // the tail is unknown
}

func joins(root, name string) { // want joins:`writes\(os\.WriteFile, path=1, data=-1\)`
	os.WriteFile(filepath.Join(root, "index.json"), data, 0o644)             // want `os\.WriteFile writes filepath\.Join\(root, "index\.json"\) non-atomically`
	os.WriteFile(path.Join(root, "a", "b.json"), data, 0o644)                // want `os\.WriteFile writes .* non-atomically: path ends in \.json`
	os.WriteFile(filepath.Join("index.json", name), data, 0o644)             // the last element decides
	os.WriteFile(filepath.Clean(filepath.Join(root, "x.json")), data, 0o644) // want `os\.WriteFile writes .* non-atomically`
}

func formats(name string, n int) { // want formats:`writes\(os\.WriteFile, path=0, data=-1\)`
	os.WriteFile(fmt.Sprintf("%s.json", name), data, 0o644)                 // want `os\.WriteFile writes .* non-atomically: path ends in \.json`
	os.WriteFile(fmt.Sprintf("%s/%d.json", dir, n), data, 0o644)            // want `os\.WriteFile writes .* non-atomically`
	os.WriteFile(fmt.Sprintf("%s/%s", dir, "cfg.json"), data, 0o644)        // want `os\.WriteFile writes .* non-atomically`
	os.WriteFile(fmt.Sprintf("%s.json.%d", name, n), data, 0o644)           // numbered backups are not JSON by name
	os.WriteFile(fmt.Sprintf("%[1]s.json", name), data, 0o644)              // want `os\.WriteFile writes .* non-atomically`
	os.WriteFile(fmt.Sprint(dir, "/", "cache.json"), data, 0o644)           // want `os\.WriteFile writes .* non-atomically`
	os.WriteFile(strings.Join([]string{dir, "db.json"}, "/"), data, 0o644)  // want `os\.WriteFile writes .* non-atomically`
	os.WriteFile(strings.Join([]string{"db.json", name}, "/"), data, 0o644) // the last part decides
}

func locals(cond bool) {
	p := "out.json"
	os.WriteFile(p, data, 0o644) // want `os\.WriteFile writes p non-atomically: path ends in \.json`

	q := "out.txt"
	if cond {
		q = "out.json" // any assignment that is JSON makes q JSON, as a phi would
	}
	os.WriteFile(q, data, 0o644) // want `os\.WriteFile writes q non-atomically`

	var r string
	r = filepath.Join(dir, "r.txt")
	os.WriteFile(r, data, 0o644) // not JSON

	s := dir
	s += "/s.json"
	os.WriteFile(s, data, 0o644) // want `os\.WriteFile writes s non-atomically`

	t, err := filepath.Abs("t.json")
	if err == nil {
		os.WriteFile(t, data, 0o644) // want `os\.WriteFile writes t non-atomically`
	}
}

var (
	statePath   = filepath.Join(dir, "state.json") // never reassigned: its value is known
	mutablePath = "mutable.json"                   // reassigned below: unknown
	otherPath   = "other.txt"
)

func SetPath(p string) { mutablePath = p }

func packageVars() {
	os.WriteFile(statePath, data, 0o644)   // want `os\.WriteFile writes statePath non-atomically`
	os.WriteFile(mutablePath, data, 0o644) // reassigned elsewhere: not known
	os.WriteFile(otherPath, data, 0o644)   // not JSON
}

type store struct {
	path string
	name string
}

func fields(s *store, root string) {
	s.path = filepath.Join(root, "store.json")
	os.WriteFile(s.path, data, 0o644) // want `os\.WriteFile writes s\.path non-atomically`
	// s.name is not set here, but the only value the package ever stores in
	// it (below) is a JSON name.
	os.WriteFile(s.name, data, 0o644) // want `os\.WriteFile writes s\.name non-atomically: path ends in \.json`

	t := store{path: "lit.json"}
	os.WriteFile(t.path, data, 0o644) // want `os\.WriteFile writes t\.path non-atomically`

	u := &store{name: "n.json", path: "p.txt"}
	os.WriteFile(u.path, data, 0o644) // not JSON
}

// IndexPath returns a known JSON path: a fact says so to every caller.
func IndexPath(root string) string { // want IndexPath:`jsonPath\("index\.json"\)`
	return filepath.Join(root, "index.json")
}

// backupPath calls IndexPath, declared earlier; derived is resolved through the fixpoint.
func derived() string { // want derived:`jsonPath\("index\.json"\)`
	return laterPath()
}

func laterPath() string { // want laterPath:`jsonPath\("index\.json"\)`
	return IndexPath("/srv")
}

func textPath() (string, error) { return "a.txt", nil }

func pairPath() (string, error) { // want pairPath:`jsonPath\("pair\.json"\)`
	return "pair.json", nil
}

func results() {
	os.WriteFile(IndexPath("/srv"), data, 0o644) // want `os\.WriteFile writes IndexPath\("/srv"\) non-atomically`
	os.WriteFile(derived(), data, 0o644)         // want `os\.WriteFile writes derived\(\) non-atomically`
	p, _ := pairPath()
	os.WriteFile(p, data, 0o644) // want `os\.WriteFile writes p non-atomically`
	q, _ := textPath()
	os.WriteFile(q, data, 0o644) // not JSON
}

func openAndCreate() {
	os.Create("c.json")                                               // want `os\.Create writes "c\.json" non-atomically: path ends in \.json`
	os.Create("c.txt")                                                // not JSON
	os.OpenFile("o.json", os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)  // want `os\.OpenFile writes "o\.json" non-atomically`
	os.OpenFile("o.json", os.O_RDWR|os.O_CREATE, 0o644)               // want `os\.OpenFile writes "o\.json" non-atomically`
	os.OpenFile("o.json", os.O_WRONLY|os.O_TRUNC, 0o644)              // want `os\.OpenFile writes "o\.json" non-atomically`
	os.OpenFile("o.json", os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644) // appending is not truncating
	os.OpenFile("o.json", os.O_RDONLY, 0)                             // reading
	os.OpenFile("o.json", os.O_WRONLY, 0)                             // neither creates nor truncates
	os.OpenFile("o.json", os.O_RDONLY|os.O_CREATE, 0o644)             // not for writing
	const flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	os.OpenFile("o.json", flags, 0o644) // want `os\.OpenFile writes "o\.json" non-atomically`
	os.ReadFile("r.json")               // reading is fine
}

var writeFile = os.WriteFile // a test seam never reassigned in this package

func functionValues() {
	w := os.WriteFile
	w("fv.json", data, 0o644)         // want `os\.WriteFile writes "fv\.json" non-atomically`
	writeFile("pv.json", data, 0o644) // want `os\.WriteFile writes "pv\.json" non-atomically`
	w2 := os.WriteFile
	if len(data) > 0 {
		w2 = func(string, []byte, os.FileMode) error { return nil }
	}
	w2("fv.json", data, 0o644) // two possible callees: not static
}

func exclusive() {
	os.OpenFile("new.json", os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644) // creates a new file only
}

// saveDefault is a package-level function literal: checked like a function.
var saveDefault = func() error {
	return os.WriteFile("default.json", data, 0o644) // want `os\.WriteFile writes "default\.json" non-atomically`
}

// background writes from a goroutine with its enclosing function's parameter.
func background(p string) { // want background:`writes\(os\.WriteFile, path=0, data=-1\)`
	go func() { os.WriteFile(p, data, 0o644) }()
}

func useBackground() {
	background("bg.json") // want `background writes "bg\.json" non-atomically: path ends in \.json`
}

func joinedParts(root string) {
	parts := []string{root, "cache", "parts.json"}
	os.WriteFile(strings.Join(parts, "/"), data, 0o644) // want `os\.WriteFile writes .* non-atomically: path ends in \.json`
}
