// Package protojson is a stub of google.golang.org/protobuf/encoding/protojson's API.
package protojson

import "google.golang.org/protobuf/proto"

func Marshal(m proto.Message) ([]byte, error)   { return nil, nil }
func Format(m proto.Message) string             { return "" }
func Unmarshal(b []byte, m proto.Message) error { return nil }

type MarshalOptions struct{ Multiline bool }

func (o MarshalOptions) Marshal(m proto.Message) ([]byte, error) { return nil, nil }
