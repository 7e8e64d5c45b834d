package atomicfs

import (
	"bytes"
	"encoding/json"
	"io/fs"
)

// WriteJSON writes v as JSON to the file name, atomically and durably, like WriteFile. The JSON
// is what json.Marshal produces (json.MarshalIndent with WithIndent), followed by a newline. If v
// cannot be marshalled, the error wraps json's error and nothing is written.
//
// WriteJSON holds the whole document in memory, as json.Marshal does (and as json.Encoder.Encode
// does too). To stream a large document, Create a File and encode it piece by piece into it.
func WriteJSON(name string, v any, perm fs.FileMode, opts ...Option) error {
	o, err := collect(callWriteJSON, name, opts)
	if err != nil {
		return err
	}
	data, err := marshalJSON(v, &o)
	if err != nil {
		return fail("marshal", name, name, err)
	}
	return writeFile(name, data, perm, &o)
}

// marshalJSON encodes v as the options ask, with a trailing newline. The encoder writes the
// newline in the same buffer; json.Marshal followed by an append would copy the document again.
// Marshal validates what it produces (including the output of MarshalJSON methods), so the
// result needs no json.Valid pass.
func marshalJSON(v any, o *options) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	if o.indentSet {
		enc.SetIndent(o.prefix, o.indent)
	}
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
