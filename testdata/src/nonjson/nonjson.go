// Package nonjson covers paths provably not JSON by name.
package nonjson

import (
	"encoding/json"
	"os"
	"path/filepath"
)

type event struct{ N int }

// A JSON-lines log is not a JSON document: .jsonl is not in the list.
func jsonLines(dir string, evs []event) {
	f, err := os.Create(filepath.Join(dir, "events.jsonl"))
	if err != nil {
		return
	}
	defer f.Close()
	enc := json.NewEncoder(f)
	for _, e := range evs {
		enc.Encode(e)
	}
}

func auditLog(evs []event) {
	f, _ := os.OpenFile("audit.log", os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	enc := json.NewEncoder(f)
	for _, e := range evs {
		enc.Encode(e)
	}
	f.Close()
}

// JSON bytes into a named non-JSON file: quiet, the name says what it is.
func notJSONNames(v any) {
	data, _ := json.Marshal(v)
	os.WriteFile("cert.pem", data, 0o600)
	os.WriteFile("values.yaml", data, 0o644)
	os.WriteFile(filepath.Join("/etc", "app.conf.bak"), data, 0o644)
}

// Without an extension, or with an unknown name, the data decides.
func unknownNames(dir, name string, v any) {
	data, _ := json.Marshal(v)
	os.WriteFile(filepath.Join(dir, "state"), data, 0o644) // want `os\.WriteFile writes filepath\.Join\(dir, "state"\) non-atomically: data from json\.Marshal`
	os.WriteFile(name, data, 0o644)                        // want `os\.WriteFile writes name non-atomically: data from json\.Marshal`
	os.WriteFile(dir+"/v1.2", data, 0o644)                 // want `os\.WriteFile writes dir \+ "/v1\.2" non-atomically: data from json\.Marshal`
}

// One possible value is a .json file: reported.
func someJSON(v any, yaml bool) {
	name := "out.json"
	if yaml {
		name = "out.yaml"
	}
	data, _ := json.Marshal(v)
	os.WriteFile(name, data, 0o644) // want `os\.WriteFile writes name non-atomically: path ends in \.json`
}

// writeLog writes data into a log: no data parameter in its fact, so
// callers passing JSON bytes are not blamed.
func writeLog(data []byte) error {
	return os.WriteFile("app.log", data, 0o644)
}

// saveAs passes both through: a caller naming a .yaml file is quiet, one
// naming a file without extension is reported on the data.
func saveAs(name string, data []byte) error { // want saveAs:`writes\(os\.WriteFile, path=0, data=1\)`
	return os.WriteFile(name, data, 0o644)
}

func callNonJSONWrappers(v any) {
	b, _ := json.Marshal(v)
	writeLog(b)
	saveAs("values.yaml", b)
	saveAs("state", b) // want `saveAs writes "state" non-atomically: data from json\.Marshal`
}
