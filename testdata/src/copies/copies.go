// Package copies covers JSON that reaches a file by a copy from a buffer or
// through a helper that encodes into its writer.
package copies

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
)

// JSON reaches the file through a copy from a buffer.
func copyEncoded(p string, v any) {
	var buf bytes.Buffer
	json.NewEncoder(&buf).Encode(v)
	f, _ := os.Create(p) // want `os\.Create writes p non-atomically: data from json\.NewEncoder`
	io.Copy(f, &buf)
	f.Close()
}

func writeToEncoded(p string, v any) {
	var buf bytes.Buffer
	json.NewEncoder(&buf).Encode(v)
	f, _ := os.Create(p) // want `os\.Create writes p non-atomically: data from json\.NewEncoder`
	buf.WriteTo(f)
	f.Close()
}

func copyMarshaled(p string, v any) {
	b, _ := json.Marshal(v)
	r := bytes.NewReader(b)
	f, _ := os.Create(p) // want `os\.Create writes p non-atomically: data from json\.Marshal`
	io.Copy(f, r)
	f.Close()
}

// Copies of other bytes are not evidence.
func copyOther(p string, src io.Reader, raw []byte) { // want copyOther:`writes\(os\.Create, path=0, data=-1\)`
	f, _ := os.Create(p)
	io.Copy(f, src)
	var buf bytes.Buffer
	buf.Write(raw)
	buf.WriteTo(f)
	f.Close()
}

// encodeTo feeds its writer to a json.Encoder.
func encodeTo(w io.Writer, v any) error { return json.NewEncoder(w).Encode(v) }

// copyTo does not encode.
func copyTo(w io.Writer, r io.Reader) { io.Copy(w, r) }

func viaHelper(p string, v any, r io.Reader) {
	f, _ := os.Create(p) // want `os\.Create writes p non-atomically: file fed to json\.NewEncoder \(via encodeTo\)`
	encodeTo(f, v)
	f.Close()
	g, _ := os.Create(p + ".raw")
	copyTo(g, r)
	g.Close()
}

// encodeSection writes a JSON section among other output: not a JSON file.
func encodeSection(w io.Writer, v any) {
	io.WriteString(w, "!<arch>\n")
	json.NewEncoder(w).Encode(v)
}

func viaMixedHelper(p string, v any) { // want viaMixedHelper:`writes\(os\.Create, path=0, data=-1\)`
	f, _ := os.Create(p)
	encodeSection(f, v)
	f.Close()
}
