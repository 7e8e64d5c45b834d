// Package fields covers unexported struct fields set in one function (a
// constructor) and read in another (a method that writes the file).
package fields

import (
	"flag"
	"os"
	"path/filepath"
)

type store struct {
	path string
	log  string
	data []byte
}

func newStore(dir string) *store {
	return &store{path: filepath.Join(dir, "store.json"), log: filepath.Join(dir, "store.log")}
}

func (s *store) flush() error {
	return os.WriteFile(s.path, s.data, 0o644) // want `os\.WriteFile writes s\.path non-atomically: path ends in \.json`
}

func (s *store) appendLog() error {
	return os.WriteFile(s.log, s.data, 0o644)
}

// A getter of the field carries a path fact.
func (s *store) file() string { return s.path } // want file:`jsonPath\("store\.json"\)`

func (s *store) flushVia() error {
	return os.WriteFile(s.file(), s.data, 0o644) // want `path ends in \.json`
}

// Positional literals and assignments count too.
type cache struct{ name string }

var defaultCache = cache{"cache.json"}

func (c *cache) reset() { c.name = filepath.Join(os.TempDir(), "cache.json") }

func (c cache) save(b []byte) {
	os.WriteFile(c.name, b, 0o644) // want `path ends in \.json`
}

// A field whose address is taken may hold anything: not followed.
type options struct{ out string }

func parse() *options {
	o := &options{out: "result.json"}
	flag.StringVar(&o.out, "out", o.out, "output file")
	return o
}

func (o *options) write(b []byte) { os.WriteFile(o.out, b, 0o644) } // want write:`writes\(os\.WriteFile, path=-1, data=0\)`

// A field set only from a parameter is unknown where it is read.
type sink struct{ target string }

func newSink(target string) sink { return sink{target: target} }

func (s sink) write(b []byte) { os.WriteFile(s.target, b, 0o644) } // want write:`writes\(os\.WriteFile, path=-1, data=0\)`

// Exported fields may be set by other packages: not followed.
type Config struct{ Path string }

func defaults() Config { return Config{Path: "app.json"} }

func (c Config) Save(b []byte) { os.WriteFile(c.Path, b, 0o644) } // want Save:`writes\(os\.WriteFile, path=-1, data=0\)`

// A type reused for JSON and YAML files: the field proves nothing.
type doc struct{ file string }

func jsonDoc() doc { return doc{file: "a.json"} }
func yamlDoc() doc { return doc{file: "a.yaml"} }

func (d doc) write(b []byte) { os.WriteFile(d.file, b, 0o644) } // want write:`writes\(os\.WriteFile, path=-1, data=0\)`
