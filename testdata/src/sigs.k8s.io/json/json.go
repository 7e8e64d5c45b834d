// Package json is a stub of sigs.k8s.io/json's API.
package json

func UnmarshalCaseSensitivePreserveInts(data []byte, v any) error { return nil }
