package analyzer

import (
	"go/ast"
	"go/types"
	"strings"
)

// JSON producers and consumers, kept in one table keyed by function (as
// staticcheck's callcheck keeps its rules), plus the general rules of
// jsonRule for what no table can list: any MarshalJSON method, and a
// project's own json package.

// encRole says what a JSON function does with its operands.
type encRole uint8

const (
	roleMarshal  encRole = iota + 1 // result 0 holds JSON bytes (or a JSON string)
	roleEncoder                     // the first argument is a writer fed JSON
	roleDst                         // the first argument, a buffer, receives JSON (json.Indent)
	roleValidate                    // the first argument is parsed as JSON (json.Unmarshal, json.Valid)
)

// encRule is one entry of the table.
type encRule struct {
	role encRole
	name string // the producer as shown in messages and facts
}

// encKey names a function: package path, receiver type name ("" for a
// package-level function; an interface's name for its methods), name.
type encKey struct{ pkg, recv, name string }

// encoders is the table of known JSON functions.
var encoders = map[encKey]encRule{}

func init() {
	add := func(pkg, short, recv string, role encRole, names ...string) {
		for _, n := range names {
			shown := short + "." + n
			if recv != "" {
				shown = short + "." + recv + "." + n
			}
			encoders[encKey{pkg, recv, n}] = encRule{role, shown}
		}
	}
	// encoding/json and the packages that mirror its API.
	for _, p := range []struct{ path, short string }{
		{"encoding/json", "json"},
		{"github.com/goccy/go-json", "goccy/go-json"},
		{"github.com/segmentio/encoding/json", "segmentio/encoding/json"},
	} {
		add(p.path, p.short, "", roleMarshal, "Marshal", "MarshalIndent")
		add(p.path, p.short, "", roleEncoder, "NewEncoder")
		add(p.path, p.short, "", roleDst, "Indent", "Compact", "HTMLEscape")
		add(p.path, p.short, "", roleValidate, "Valid", "Unmarshal")
	}
	add("github.com/goccy/go-json", "goccy/go-json", "", roleMarshal,
		"MarshalWithOption", "MarshalIndentWithOption", "MarshalNoEscape", "MarshalContext")
	add("github.com/goccy/go-json", "goccy/go-json", "", roleValidate,
		"UnmarshalWithOption", "UnmarshalNoEscape", "UnmarshalContext")
	add("github.com/segmentio/encoding/json", "segmentio/encoding/json", "", roleMarshal, "Append")
	add("github.com/segmentio/encoding/json", "segmentio/encoding/json", "", roleValidate, "Parse")
	// encoding/json/v2 and jsontext, and the module they come from.
	for _, p := range []struct{ json, jsontext, short string }{
		{"encoding/json/v2", "encoding/json/jsontext", "json/v2"},
		{"github.com/go-json-experiment/json", "github.com/go-json-experiment/json/jsontext", "go-json-experiment/json"},
	} {
		add(p.json, p.short, "", roleMarshal, "Marshal")
		add(p.json, p.short, "", roleEncoder, "MarshalWrite")
		add(p.json, p.short, "", roleValidate, "Unmarshal")
		add(p.jsontext, "jsontext", "", roleEncoder, "NewEncoder")
	}
	// json-iterator and sonic: package functions and their API interface.
	for _, p := range []struct{ path, short string }{
		{"github.com/json-iterator/go", "jsoniter"},
		{"github.com/bytedance/sonic", "sonic"},
	} {
		for _, recv := range []string{"", "API"} {
			add(p.path, p.short, recv, roleMarshal, "Marshal", "MarshalIndent", "MarshalToString", "MarshalString")
			add(p.path, p.short, recv, roleEncoder, "NewEncoder")
			add(p.path, p.short, recv, roleValidate, "Valid", "Unmarshal", "UnmarshalFromString", "UnmarshalString")
		}
	}
	// protojson: functions and the options' methods.
	const pj = "google.golang.org/protobuf/encoding/protojson"
	add(pj, "protojson", "", roleMarshal, "Marshal", "Format")
	add(pj, "protojson", "MarshalOptions", roleMarshal, "Marshal", "Format", "MarshalAppend")
	add(pj, "protojson", "", roleValidate, "Unmarshal")
	add(pj, "protojson", "UnmarshalOptions", roleValidate, "Unmarshal")
	// Editors and formatters whose result is a JSON document, and
	// validators, of widely used JSON toolkits.
	add("github.com/tidwall/sjson", "sjson", "", roleMarshal,
		"Set", "SetBytes", "SetRaw", "SetRawBytes", "SetOptions", "SetBytesOptions", "SetRawOptions", "SetRawBytesOptions", "Delete", "DeleteBytes")
	add("github.com/tidwall/pretty", "pretty", "", roleMarshal, "Pretty", "PrettyOptions", "Ugly", "UglyInPlace")
	add("github.com/tidwall/gjson", "gjson", "", roleValidate, "Valid", "ValidBytes")
	add("github.com/valyala/fastjson", "fastjson", "", roleValidate, "Validate", "ValidateBytes")
	add("github.com/valyala/fastjson", "fastjson", "Value", roleMarshal, "MarshalTo")
	add("github.com/francoispqt/gojay", "gojay", "", roleMarshal, "Marshal", "MarshalJSONObject", "MarshalJSONArray")
	add("github.com/francoispqt/gojay", "gojay", "", roleEncoder, "NewEncoder", "BorrowEncoder")
	for _, yaml := range []string{"sigs.k8s.io/yaml", "github.com/ghodss/yaml"} {
		add(yaml, yaml, "", roleMarshal, "YAMLToJSON", "YAMLToJSONStrict")
	}
	// sigs.k8s.io/json decodes only.
	add("sigs.k8s.io/json", "sigs.k8s.io/json", "", roleValidate,
		"UnmarshalCaseSensitivePreserveInts", "UnmarshalStrict")
}

// jsonValueTypes are byte-slice types that hold JSON by definition.
var jsonValueTypes = map[[2]string]string{
	{"encoding/json", "RawMessage"}:                          "json.RawMessage",
	{"encoding/json/jsontext", "Value"}:                      "jsontext.Value",
	{"github.com/go-json-experiment/json/jsontext", "Value"}: "jsontext.Value",
	{"github.com/goccy/go-json", "RawMessage"}:               "goccy/go-json.RawMessage",
	{"github.com/segmentio/encoding/json", "RawMessage"}:     "segmentio/encoding/json.RawMessage",
	{"github.com/json-iterator/go", "RawMessage"}:            "jsoniter.RawMessage",
}

// jsonValueType names the JSON type of t (json.RawMessage), or "".
func jsonValueType(t types.Type) string {
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() == nil || !isBytes(t) {
		return ""
	}
	return jsonValueTypes[[2]string{n.Obj().Pkg().Path(), n.Obj().Name()}]
}

// jsonRule returns the rule for the function fn: its table entry, or a
// general rule — a MarshalJSON method (the json.Marshaler contract), or a
// Marshal-like function or NewEncoder of a package of the project named
// json or ending in json (jsonutil is not; ujson is).
func jsonRule(fn *types.Func) (encRule, bool) {
	if fn == nil || fn.Pkg() == nil {
		return encRule{}, false
	}
	sig := fn.Signature()
	recv := ""
	if r := sig.Recv(); r != nil {
		t := r.Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := types.Unalias(t).(*types.Named); ok {
			recv = n.Obj().Name()
		}
	}
	if r, ok := encoders[encKey{fn.Pkg().Path(), recv, fn.Name()}]; ok {
		return r, true
	}
	res := sig.Results()
	if sig.Recv() != nil {
		if fn.Name() == "MarshalJSON" && sig.Params().Len() == 0 && res.Len() == 2 && isBytes(res.At(0).Type()) {
			name := "MarshalJSON"
			if recv != "" {
				name = recv + ".MarshalJSON"
			}
			return encRule{roleMarshal, name}, true
		}
		return encRule{}, false
	}
	pkgName := fn.Pkg().Name()
	if !strings.HasSuffix(pkgName, "json") {
		return encRule{}, false
	}
	shown := pkgName + "." + fn.Name()
	switch {
	case strings.HasPrefix(fn.Name(), "Marshal") && res.Len() >= 1 && (isBytes(res.At(0).Type()) || isString(res.At(0).Type())):
		return encRule{roleMarshal, shown}, true
	case fn.Name() == "NewEncoder" && sig.Params().Len() >= 1 && isWriter(sig.Params().At(0).Type()):
		return encRule{roleEncoder, shown}, true
	}
	return encRule{}, false
}

// isWriter reports whether t has a Write([]byte) (int, error) method.
func isWriter(t types.Type) bool {
	obj, _, _ := types.LookupFieldOrMethod(t, true, nil, "Write")
	fn, ok := obj.(*types.Func)
	if !ok {
		return false
	}
	sig := fn.Signature()
	return sig.Params().Len() == 1 && isBytes(sig.Params().At(0).Type()) && sig.Results().Len() == 2
}

// jsonCallee returns the function a call invokes for the purpose of the
// encoder table: the static callee, or the interface method called
// (jsoniter.ConfigFastest.Marshal, a json.Marshaler's MarshalJSON).
func (c *checker) jsonCallee(u *unit, call *ast.CallExpr) *types.Func {
	if fn := c.callee(u, call); fn != nil {
		return fn
	}
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		if s := c.pass.TypesInfo.Selections[sel]; s != nil && s.Kind() == types.MethodVal {
			fn, _ := s.Obj().(*types.Func)
			return fn
		}
	}
	return nil
}
