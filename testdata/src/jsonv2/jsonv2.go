// Package jsonv2 covers encoding/json/v2 and encoding/json/jsontext, which
// build only with GOEXPERIMENT=jsonv2 (TestJSONv2 sets it).
package jsonv2

import (
	"encoding/json/jsontext"
	json "encoding/json/v2"
	"os"
)

func v2(v any, raw jsontext.Value) {
	b, _ := json.Marshal(v)
	os.WriteFile("a", b, 0o644) // want `os\.WriteFile writes "a" non-atomically: data from json/v2\.Marshal`
	f, _ := os.Create("b")      // want `os\.Create writes "b" non-atomically: file fed to json/v2\.MarshalWrite`
	json.MarshalWrite(f, v)
	f.Close()
	g, _ := os.Create("c") // want `file fed to jsontext\.NewEncoder`
	json.MarshalEncode(jsontext.NewEncoder(g), v)
	g.Close()
	os.WriteFile("d", raw, 0o644) // want `data of type jsontext\.Value`
	var out any
	in, _ := os.ReadFile("e")
	if json.Unmarshal(in, &out) == nil {
		os.WriteFile("e.bak", in, 0o644) // want `data parsed by json/v2\.Unmarshal`
	}
}
