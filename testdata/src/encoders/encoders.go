// Package encoders covers JSON from encoders other than encoding/json: the
// message names the producer.
package encoders

import (
	"bytes"
	stdjson "encoding/json"
	"os"

	"github.com/bytedance/sonic"
	expjson "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	goccy "github.com/goccy/go-json"
	jsoniter "github.com/json-iterator/go"
	segjson "github.com/segmentio/encoding/json"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"example.com/jsonutil"
	"example.com/ujson"
)

func thirdParty(v any, m proto.Message) {
	b, _ := goccy.Marshal(v)
	os.WriteFile("a", b, 0o644) // want `os\.WriteFile writes "a" non-atomically: data from goccy/go-json\.Marshal`
	b, _ = goccy.MarshalWithOption(v)
	os.WriteFile("b", b, 0o644) // want `data from goccy/go-json\.MarshalWithOption`
	b, _ = jsoniter.Marshal(v)
	os.WriteFile("c", b, 0o644) // want `data from jsoniter\.Marshal`
	s, _ := jsoniter.MarshalToString(v)
	os.WriteFile("d", []byte(s), 0o644) // want `data from jsoniter\.MarshalToString`
	b, _ = sonic.Marshal(v)
	os.WriteFile("e", b, 0o644) // want `data from sonic\.Marshal`
	b, _ = segjson.Marshal(v)
	os.WriteFile("f", b, 0o644) // want `data from segmentio/encoding/json\.Marshal`
	b, _ = segjson.Append(nil, v, 0)
	os.WriteFile("g", b, 0o644) // want `data from segmentio/encoding/json\.Append`
	b, _ = protojson.Marshal(m)
	os.WriteFile("h", b, 0o644)                           // want `data from protojson\.Marshal`
	os.WriteFile("i", []byte(protojson.Format(m)), 0o644) // want `data from protojson\.Format`
	b, _ = protojson.MarshalOptions{Multiline: true}.Marshal(m)
	os.WriteFile("j", b, 0o644) // want `data from protojson\.MarshalOptions\.Marshal`
	b, _ = expjson.Marshal(v)
	os.WriteFile("k", b, 0o644) // want `data from go-json-experiment/json\.Marshal`
}

// Interface methods of a frozen configuration are in the table too.
func configs(v any) {
	api := jsoniter.Config{IndentionStep: 2}.Froze()
	b, _ := api.Marshal(v)
	os.WriteFile("l", b, 0o644) // want `data from jsoniter\.API\.Marshal`
	b, _ = jsoniter.ConfigCompatibleWithStandardLibrary.MarshalIndent(v, "", " ")
	os.WriteFile("m", b, 0o644) // want `data from jsoniter\.API\.MarshalIndent`
	b, _ = sonic.ConfigDefault.Marshal(v)
	os.WriteFile("n", b, 0o644) // want `data from sonic\.API\.Marshal`
}

// Encoders fed a file or a buffer.
func streams(v any) {
	f, _ := os.Create("o") // want `os\.Create writes "o" non-atomically: file fed to goccy/go-json\.NewEncoder`
	goccy.NewEncoder(f).Encode(v)
	f.Close()
	g, _ := os.Create("p") // want `os\.Create writes "p" non-atomically: file fed to go-json-experiment/json\.MarshalWrite`
	expjson.MarshalWrite(g, v)
	g.Close()
	h, _ := os.Create("q") // want `os\.Create writes "q" non-atomically: file fed to jsontext\.NewEncoder`
	enc := jsontext.NewEncoder(h)
	expjson.MarshalEncode(enc, v)
	h.Close()
	var buf bytes.Buffer
	jsoniter.NewEncoder(&buf).Encode(v)
	os.WriteFile("r", buf.Bytes(), 0o644) // want `data from jsoniter\.NewEncoder`
}

// jsontext.Value is JSON by type, as json.RawMessage is.
func values(v jsontext.Value, r goccy.RawMessage) {
	os.WriteFile("s", v, 0o644) // want `data of type jsontext\.Value`
	os.WriteFile("t", r, 0o644) // want `data of type goccy/go-json\.RawMessage`
}

type config struct{ Name string }

func (c config) MarshalJSON() ([]byte, error) { return stdjson.Marshal(c.Name) } // want MarshalJSON:`jsonData\(json\.Marshal\)`

// Any MarshalJSON method is a producer, also through json.Marshaler.
func marshalers(c config, m stdjson.Marshaler) {
	b, _ := c.MarshalJSON()
	os.WriteFile("u", b, 0o644) // want `data from config\.MarshalJSON`
	b, _ = m.MarshalJSON()
	os.WriteFile("v", b, 0o644) // want `data from Marshaler\.MarshalJSON`
}

// A project's own json package: Marshal-like functions and NewEncoder.
func ownPackage(v any) {
	b, _ := ujson.Marshal(v)
	os.WriteFile("w", b, 0o644)                              // want `data from ujson\.Marshal`
	os.WriteFile("x", []byte(ujson.MarshalPretty(v)), 0o644) // want `data from ujson\.MarshalPretty`
	b, _ = ujson.MarshalIndent(v, "", " ")
	os.WriteFile("x2", b, 0o644) // want `data from ujson\.MarshalIndent`
	f, _ := os.Create("y")       // want `file fed to ujson\.NewEncoder`
	ujson.NewEncoder(f).Encode(v)
	f.Close()
}

// Near misses: a package not named *json, a function not Marshal-like, a
// method not MarshalJSON, and text written as a non-JSON file.
func nearMisses(v any, c config) {
	b, _ := jsonutil.Marshal(v)
	os.WriteFile("z1", b, 0o644)
	os.WriteFile("z2", ujson.Format(v), 0o644)
	os.WriteFile("z3", []byte(c.Name), 0o644)
	b, _ = goccy.Marshal(v)
	os.WriteFile("events.jsonl", b, 0o644)
}
