// Package buffers covers flow-sensitive data evidence: each write is judged
// by what the buffer (or slice) holds at that point.
package buffers

import (
	"bytes"
	"encoding/json"
	"encoding/pem"
	"os"
)

// A buffer filled with a PEM key, written, Reset and reused for a JSON
// document: only the second write is JSON.
func keyAndConfig(dir string, block *pem.Block, cfg any) error {
	var buf bytes.Buffer
	pem.Encode(&buf, block)
	if err := os.WriteFile(dir+"/key", buf.Bytes(), 0o600); err != nil {
		return err
	}
	buf.Reset()
	json.NewEncoder(&buf).Encode(cfg)
	return os.WriteFile(dir+"/config", buf.Bytes(), 0o644) // want `os\.WriteFile writes dir \+ "/config" non-atomically: data from json\.NewEncoder`
}

// The other order: JSON first, then Reset and PEM.
func configAndKey(dir string, block *pem.Block, cfg any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.Encode(cfg)
	os.WriteFile(dir+"/config", buf.Bytes(), 0o644) // want `data from json\.NewEncoder`
	buf.Truncate(0)
	pem.Encode(&buf, block)
	os.WriteFile(dir+"/key", buf.Bytes(), 0o600)
}

// A Reset in one branch only does not empty the buffer on every path.
func resetInBranch(p string, v any, fresh bool) {
	var buf bytes.Buffer
	json.NewEncoder(&buf).Encode(v)
	if fresh {
		buf.Reset()
	}
	os.WriteFile(p, buf.Bytes(), 0o644) // want `data from json\.NewEncoder`
}

// A new buffer value empties it too.
func reassigned(p string, v any, other []byte) {
	buf := new(bytes.Buffer)
	json.NewEncoder(buf).Encode(v)
	os.WriteFile(p, buf.Bytes(), 0o644) // want `data from json\.NewEncoder`
	buf = bytes.NewBuffer(other)
	os.WriteFile(p+"2", buf.Bytes(), 0o644)
}

// A slice reused: the assignment that reaches the write decides.
func slices(dir string, key []byte, v any) {
	b := key
	os.WriteFile(dir+"/key", b, 0o600)
	b, _ = json.Marshal(v)
	os.WriteFile(dir+"/state", b, 0o644) // want `data from json\.Marshal`
	b = append(b[:0], key...)
	os.WriteFile(dir+"/key2", b, 0o600)
}

// JSON written after the write does not reach it.
func encodedLater(p string, v any) { // want encodedLater:`writes\(os\.WriteFile, path=0, data=-1\)`
	var buf bytes.Buffer
	buf.WriteString("plain")
	os.WriteFile(p, buf.Bytes(), 0o644)
	json.NewEncoder(&buf).Encode(v)
}
