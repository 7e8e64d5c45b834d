// Package sjson is a stub of github.com/tidwall/sjson's API.
package sjson

func Set(json, path string, value any) (string, error)             { return json, nil }
func SetBytes(json []byte, path string, value any) ([]byte, error) { return json, nil }
