// Package data covers data evidence: the bytes come from encoding/json, even
// when the path has no telling extension.
package data

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
)

type config struct{ Name string }

func marshal(path string, v config) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644) // want `os\.WriteFile writes path non-atomically: data from json\.Marshal`
}

func marshalIndent(v config) {
	b, _ := json.MarshalIndent(v, "", "  ")
	b = append(b, '\n')
	os.WriteFile("/etc/app/current", b, 0o644) // want `os\.WriteFile writes "/etc/app/current" non-atomically: data from json\.MarshalIndent`
}

func inline(v config) {
	os.WriteFile("state", must(json.Marshal(v)), 0o644) // the bytes pass through a helper: unknown
}

func must(b []byte, err error) []byte { return b }

func encoderBuffer(v config) {
	var buf bytes.Buffer
	json.NewEncoder(&buf).Encode(v)
	os.WriteFile("state", buf.Bytes(), 0o644) // want `os\.WriteFile writes "state" non-atomically: data from json\.NewEncoder`

	b2 := new(bytes.Buffer)
	enc := json.NewEncoder(b2)
	enc.SetIndent("", "\t")
	enc.Encode(v)
	os.WriteFile("state2", []byte(b2.String()), 0o644) // want `os\.WriteFile writes "state2" non-atomically: data from json\.NewEncoder`
}

func indent(src []byte) {
	var out bytes.Buffer
	json.Indent(&out, src, "", " ")
	os.WriteFile("pretty", out.Bytes(), 0o644) // want `data from json\.Indent`
	var small bytes.Buffer
	json.Compact(&small, src)
	os.WriteFile("small", small.Bytes(), 0o644) // want `data from json\.Compact`
}

func plain(lines []string) {
	var buf bytes.Buffer
	buf.WriteString(strings.Join(lines, "\n"))
	os.WriteFile("notes", buf.Bytes(), 0o644) // not JSON
	os.WriteFile("raw", []byte("{}"), 0o644)  // literal bytes: not known to be JSON output
}

func sliced(v config) {
	b, _ := json.Marshal(v)
	os.WriteFile("part", b[:len(b)-1], 0o644) // want `data from json\.Marshal`
}

// encode returns JSON bytes: a fact says so to every caller.
func (c config) encode() ([]byte, error) { // want encode:`jsonData\(json\.MarshalIndent\)`
	return json.MarshalIndent(c, "", "  ")
}

func encodeBuffer(v any) []byte { // want encodeBuffer:`jsonData\(json\.NewEncoder\)`
	var buf bytes.Buffer
	json.NewEncoder(&buf).Encode(v)
	return buf.Bytes()
}

func text() ([]byte, error) { return []byte("plain"), nil }

func viaFunctions(c config) {
	b, err := c.encode()
	if err == nil {
		os.WriteFile("saved", b, 0o644) // want `os\.WriteFile writes "saved" non-atomically: data from json\.MarshalIndent \(via config\.encode\)`
	}
	os.WriteFile("buffered", encodeBuffer(c), 0o644) // want `data from json\.NewEncoder \(via encodeBuffer\)`
	t, _ := text()
	os.WriteFile("text", t, 0o644) // not JSON
}
