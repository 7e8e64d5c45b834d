package atomicfs

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// fuzzDoc is the document the fuzz target round-trips.
type fuzzDoc struct {
	Text   string            `json:"text"`
	N      int64             `json:"n"`
	F      float64           `json:"f"`
	Flag   bool              `json:"flag"`
	Tags   map[string]string `json:"tags,omitempty"`
	Bytes  []byte            `json:"bytes"`
	Nested *fuzzDoc          `json:"nested,omitempty"`
}

// FuzzWriteJSONRoundTrip writes a document with WriteJSON (compact or indented) and reads it back
// unchanged, byte for byte as json.Marshal encodes it; then UpdateJSON decodes it, changes it and
// writes it, and the file holds exactly the changed document. The seed corpus runs with every go
// test; go test -fuzz FuzzWriteJSONRoundTrip ./atomicfs/ explores further. It writes without fsync
// (WithoutSync): the round trip does not depend on it, and the fuzzer runs many more inputs.
func FuzzWriteJSONRoundTrip(f *testing.F) {
	f.Add("hello", int64(1), 1.5, true, "k", "v", []byte{0, 1, 2}, false)
	f.Add("", int64(-1)<<62, math.Copysign(0, -1), false, "", "", []byte(nil), true)
	f.Add("<html>&\u2028\u2029 \"quoted\" \\ \x00 \xff invalid utf-8", int64(0), 1e308, false, "\t", "\n", []byte("x"), true)
	f.Add("日本語 ☃ 😀", int64(42), 5e-324, true, "emoji😀", "∞", bytes.Repeat([]byte{0xfe}, 300), false)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, text string, n int64, x float64, flag bool, key, val string, raw []byte, indent bool) {
		doc := fuzzDoc{Text: text, N: n, F: x, Flag: flag, Tags: map[string]string{key: val}, Bytes: raw,
			Nested: &fuzzDoc{Text: val, N: -n}}
		var opts []Option
		if indent {
			opts = append(opts, WithIndent("", "\t"))
		}
		opts = append(opts, WithoutSync())
		target := filepath.Join(dir, "doc.json")

		err := WriteJSON(target, doc, 0o644, opts...)
		want, merr := json.Marshal(doc)
		if merr != nil {
			// NaN and infinities cannot be encoded: WriteJSON must refuse them too.
			if err == nil {
				t.Fatalf("WriteJSON accepted what json.Marshal refuses (%v)", merr)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(target)
		if err != nil {
			t.Fatal(err)
		}
		if indent {
			var buf bytes.Buffer
			json.Indent(&buf, want, "", "\t")
			want = buf.Bytes()
		}
		if !bytes.Equal(got, append(want, '\n')) {
			t.Fatalf("file holds\n%s\nwant json.Marshal's\n%s", got, want)
		}

		// UpdateJSON sees what json.Unmarshal of that encoding gives, and writes the change.
		var decoded fuzzDoc
		if err := json.Unmarshal(got, &decoded); err != nil {
			t.Fatal(err)
		}
		err = UpdateJSON(target, 0o644, func(d *fuzzDoc) error {
			if !reflect.DeepEqual(*d, decoded) {
				t.Fatalf("UpdateJSON decoded %+v, want %+v", *d, decoded)
			}
			d.N++
			d.Text += key
			return nil
		}, opts...)
		if err != nil {
			t.Fatal(err)
		}
		decoded.N++
		decoded.Text += key
		want, _ = json.Marshal(decoded)
		if indent {
			var buf bytes.Buffer
			json.Indent(&buf, want, "", "\t")
			want = buf.Bytes()
		}
		wantContent(t, target, append(want, '\n'))
	})
}
