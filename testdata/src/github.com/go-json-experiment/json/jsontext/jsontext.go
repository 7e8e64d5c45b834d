// Package jsontext is a stub of github.com/go-json-experiment/json/jsontext's API.
package jsontext

import "io"

type Encoder struct{}

func NewEncoder(w io.Writer, opts ...any) *Encoder { return &Encoder{} }

// Value is a JSON value.
type Value []byte
