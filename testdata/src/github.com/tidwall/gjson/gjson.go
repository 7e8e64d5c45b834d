// Package gjson is a stub of github.com/tidwall/gjson's API.
package gjson

func Valid(json string) bool      { return true }
func ValidBytes(json []byte) bool { return true }
