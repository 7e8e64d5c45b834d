package publisher

import (
	"bytes"
	"encoding/json"

	"github.com/atomicjson/atomicjson/atomicfs"
)

// Every JSON file of a root is indented the same way, as atomicfs.WriteJSON and UpdateJSON write
// it with jsonIndent.
const (
	indentPrefix = ""
	indentUnit   = "  "
)

// jsonIndent is the atomicfs option that writes the root's JSON layout.
var jsonIndent = atomicfs.WithIndent(indentPrefix, indentUnit)

// encodeJSON renders v as atomicfs.WriteJSON with jsonIndent does, for the bytes that must be known
// before they are written: a post's (hashed into its index entry), and the system files the
// recovery paths write from raw bytes under their locks (a corrupt file cannot go through
// UpdateJSON, which refuses to decode it).
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent(indentPrefix, indentUnit)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
