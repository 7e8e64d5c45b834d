// Package ujson is a project's own JSON package.
package ujson

import "io"

func Marshal(v any) ([]byte, error)   { return nil, nil }
func MarshalPretty(v any) string      { return "" }
func Format(v any) []byte             { return nil } // not Marshal-like by name: no evidence
func NewEncoder(w io.Writer) *Encoder { return &Encoder{} }

type Encoder struct{ w io.Writer }

func (e *Encoder) Encode(v any) error { return nil }

// MarshalIndent is a function variable, as packages that wrap another
// encoder often export it.
var MarshalIndent = func(v any, prefix, indent string) ([]byte, error) { return nil, nil }
