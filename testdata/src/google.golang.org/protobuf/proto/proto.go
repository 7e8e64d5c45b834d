// Package proto is a stub of google.golang.org/protobuf/proto.
package proto

type Message interface{ ProtoReflect() }
