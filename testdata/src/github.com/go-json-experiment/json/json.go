// Package json is a stub of github.com/go-json-experiment/json's API
// (encoding/json/v2's).
package json

import (
	"io"

	"github.com/go-json-experiment/json/jsontext"
)

type Options interface{}

func Marshal(in any, opts ...Options) ([]byte, error)                    { return nil, nil }
func MarshalWrite(out io.Writer, in any, opts ...Options) error          { return nil }
func MarshalEncode(out *jsontext.Encoder, in any, opts ...Options) error { return nil }
func Unmarshal(in []byte, out any, opts ...Options) error                { return nil }
