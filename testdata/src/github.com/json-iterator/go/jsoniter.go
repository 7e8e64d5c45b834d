// Package jsoniter is a stub of github.com/json-iterator/go's API.
package jsoniter

import "io"

type Encoder struct{}

func (*Encoder) Encode(v any) error { return nil }

// API is the interface of a frozen configuration.
type API interface {
	Marshal(v any) ([]byte, error)
	MarshalIndent(v any, prefix, indent string) ([]byte, error)
	MarshalToString(v any) (string, error)
	Unmarshal(data []byte, v any) error
	NewEncoder(w io.Writer) *Encoder
	Valid(data []byte) bool
}

type Config struct{ IndentionStep int }

func (Config) Froze() API { return nil }

var ConfigCompatibleWithStandardLibrary API

func Marshal(v any) ([]byte, error)         { return nil, nil }
func MarshalToString(v any) (string, error) { return "", nil }
func NewEncoder(w io.Writer) *Encoder       { return &Encoder{} }
