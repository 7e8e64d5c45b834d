package publisher

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// decodeStrict decodes data, which must be exactly one JSON object, into the struct v, more
// strictly than encoding/json does: json matches keys case-insensitively, keeps the last of
// duplicate keys and turns invalid UTF-8 into U+FFFD, so a post it accepts could be published with
// other content than its author sent. Here every key must be a field's exact name, no key may
// appear twice (also not in another case), and every string must be valid UTF-8. Each failure is
// a *ValidationError naming the field.
func decodeStrict(data []byte, v any) error {
	if !json.Valid(data) {
		return &ValidationError{Field: "post", Reason: "not valid JSON"}
	}
	if t := bytes.TrimSpace(data); len(t) == 0 || t[0] != '{' {
		return &ValidationError{Field: "post", Reason: "not a JSON object"}
	}
	fields := jsonFieldNames(reflect.TypeOf(v).Elem())
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil { // the opening brace
		return &ValidationError{Field: "post", Reason: err.Error()}
	}
	seen := map[string]string{} // lower-cased key → the key as first given
	for dec.More() {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return &ValidationError{Field: "post", Reason: err.Error()}
		}
		key, _ := tok.(string)
		if !utf8.Valid(data[start:dec.InputOffset()]) {
			return &ValidationError{Field: key, Reason: "field name is not valid UTF-8"}
		}
		if first, dup := seen[strings.ToLower(key)]; dup {
			if first == key {
				return &ValidationError{Field: key, Reason: "duplicate field"}
			}
			return &ValidationError{Field: key, Reason: fmt.Sprintf("duplicate field (also given as %q; names are case-sensitive)", first)}
		}
		seen[strings.ToLower(key)] = key
		if !slices.Contains(fields, key) {
			if i := slices.IndexFunc(fields, func(f string) bool { return strings.EqualFold(f, key) }); i >= 0 {
				return &ValidationError{Field: key, Reason: fmt.Sprintf("unknown field (names are case-sensitive: did you mean %q?)", fields[i])}
			}
			return &ValidationError{Field: key, Reason: "unknown field"}
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return &ValidationError{Field: key, Reason: err.Error()}
		}
		if err := checkUTF8(key, raw); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return &ValidationError{Field: "post", Reason: err.Error()}
	}
	if _, err := dec.Token(); err != io.EOF {
		return &ValidationError{Field: "post", Reason: "more than one JSON value"}
	}
	if err := json.Unmarshal(data, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return &ValidationError{Field: te.Field, Reason: "must be a JSON " + te.Type.String()}
		}
		var pe *time.ParseError
		if errors.As(err, &pe) {
			return &ValidationError{Field: "post", Reason: "a time is not in RFC 3339 format: " + pe.Error()}
		}
		return &ValidationError{Field: "post", Reason: err.Error()}
	}
	return nil
}

// checkUTF8 reports the first string in the raw value of field that is not valid UTF-8, naming
// the array element ("tags[2]") when the value is an array.
func checkUTF8(field string, raw json.RawMessage) error {
	if utf8.Valid(raw) {
		return nil
	}
	var elems []json.RawMessage
	if json.Unmarshal(raw, &elems) == nil {
		for i, e := range elems {
			if !utf8.Valid(e) {
				return &ValidationError{Field: fmt.Sprintf("%s[%d]", field, i), Reason: "is not valid UTF-8"}
			}
		}
	}
	return &ValidationError{Field: field, Reason: "is not valid UTF-8"}
}

// jsonFieldNames returns the JSON names of struct type t's fields, embedded structs included.
func jsonFieldNames(t reflect.Type) []string {
	var names []string
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-":
		case f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct:
			names = append(names, jsonFieldNames(f.Type)...)
		case name == "":
			names = append(names, f.Name)
		default:
			names = append(names, name)
		}
	}
	return names
}

// isDecodeError reports whether err is encoding/json's complaint about a document: a syntax
// error, or a value of the wrong type.
func isDecodeError(err error) bool {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	return errors.As(err, &se) || errors.As(err, &te)
}
