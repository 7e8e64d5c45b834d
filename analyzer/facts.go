package analyzer

import "fmt"

// pathFact marks a function whose string result is known to be a JSON path,
// such as func IndexPath() string { return filepath.Join(root, "index.json") }.
type pathFact struct {
	Result int    // index of the result that holds the path
	Tail   string // known tail of the path, e.g. "index.json"
}

func (*pathFact) AFact() {}

func (f *pathFact) String() string { return fmt.Sprintf("jsonPath(%q)", f.Tail) }

// wrapperFact marks a function that passes a parameter, unchanged in the part
// that decides the target's extension, into the path or data of a
// non-atomic write; callers are checked with the argument they pass.
type wrapperFact struct {
	Sink      string // the write the parameter reaches, e.g. "os.WriteFile"
	PathParam int    // index of the parameter that becomes the path, or -1
	DataParam int    // index of the parameter that becomes the data, or -1
}

func (*wrapperFact) AFact() {}

func (f *wrapperFact) String() string {
	return fmt.Sprintf("writes(%s, path=%d, data=%d)", f.Sink, f.PathParam, f.DataParam)
}

// dataFact marks a function whose []byte result comes from encoding/json,
// such as func (c *Config) encode() ([]byte, error) { return json.Marshal(c) }.
type dataFact struct {
	Result   int    // index of the result that holds the bytes
	Producer string // the encoding/json call, e.g. "json.MarshalIndent"
}

func (*dataFact) AFact() {}

func (f *dataFact) String() string { return fmt.Sprintf("jsonData(%s)", f.Producer) }
