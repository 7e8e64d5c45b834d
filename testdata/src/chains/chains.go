// Package chains covers wrapper chains of any depth, declared in any order,
// and the rule that a wrapper whose own body proves JSON is reported in its
// body, never at its callers.
package chains

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// Ten wrappers declared callee-last: the chain is found at any depth.
func callChain() {
	w1("deep.json") // want `w1 writes "deep\.json" non-atomically: path ends in \.json`
	w1("deep.txt")
}

func w1(p string)  { w2(p) }   // want w1:`writes\(os\.WriteFile, path=0, data=-1\)`
func w2(p string)  { w3(p) }   // want w2:`writes\(os\.WriteFile, path=0, data=-1\)`
func w3(p string)  { w4(p) }   // want w3:`writes\(os\.WriteFile, path=0, data=-1\)`
func w4(p string)  { w5(p) }   // want w4:`writes\(os\.WriteFile, path=0, data=-1\)`
func w5(p string)  { w6(p) }   // want w5:`writes\(os\.WriteFile, path=0, data=-1\)`
func w6(p string)  { w7(p) }   // want w6:`writes\(os\.WriteFile, path=0, data=-1\)`
func w7(p string)  { w8(p) }   // want w7:`writes\(os\.WriteFile, path=0, data=-1\)`
func w8(p string)  { w9(p) }   // want w8:`writes\(os\.WriteFile, path=0, data=-1\)`
func w9(p string)  { w10(p) }  // want w9:`writes\(os\.WriteFile, path=0, data=-1\)`
func w10(p string) { sink(p) } // want w10:`writes\(os\.WriteFile, path=0, data=-1\)`

func sink(p string) { os.WriteFile(p, []byte("x"), 0o644) } // want sink:`writes\(os\.WriteFile, path=0, data=-1\)`

// saveState marshals and hands the bytes, with its path parameter, to a
// chain that ends in os.Create and f.Write: its body proves JSON, so the
// report is there, and saveState is no wrapper for its callers.
func saveState(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return store(path, b) // want `store writes path non-atomically: data from json\.Marshal`
}

func callSaveState(v any) {
	saveState("state.json", v) // reported in saveState's body only
	saveState("state", v)
}

// store and put declared after their callers; put truncates in place.
func store(path string, b []byte) error { return put(path, b) } // want store:`writes\(os\.Create, path=0, data=1\)`

func put(path string, b []byte) error { // want put:`writes\(os\.Create, path=0, data=1\)`
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.Write(b)
	return err
}

// A wrapper whose body proves JSON by its path: reported in the body.
func saveIndex(dir string, b []byte) error {
	return store(dir+"/index.json", b) // want `store writes dir \+ "/index\.json" non-atomically: path ends in \.json`
}

func callSaveIndex() { saveIndex("/srv", nil) }

// Mutual recursion: facts still reach a fixed point.
func even(p string, n int) { // want even:`writes\(os\.WriteFile, path=0, data=-1\)`
	if n == 0 {
		os.WriteFile(p, nil, 0o644)
		return
	}
	odd(p, n-1)
}

func odd(p string, n int) { even(p, n) } // want odd:`writes\(os\.WriteFile, path=0, data=-1\)`

func callEven() { odd("ping.json", 3) } // want `odd writes "ping\.json" non-atomically`

// A wrapper of os.Create that writes its bytes through a bufio.Writer, or
// copies them: still a wrapper of the data.
func putBuffered(path string, b []byte) error { // want putBuffered:`writes\(os\.Create, path=0, data=1\)`
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	if _, err := w.Write(b); err != nil {
		return err
	}
	return w.Flush()
}

func putCopied(path string, b []byte) error { // want putCopied:`writes\(os\.Create, path=0, data=1\)`
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(f, bytes.NewReader(b))
	return err
}

// A header before the bytes: the file is not the argument's document.
func putWithHeader(path string, b []byte) error { // want putWithHeader:`writes\(os\.Create, path=0, data=-1\)`
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fmt.Fprintf(f, "# generated\n")
	_, err = f.Write(b)
	return err
}

func callPuts(v any) {
	b, _ := json.Marshal(v)
	putBuffered("state", b) // want `putBuffered writes "state" non-atomically: data from json\.Marshal`
	putCopied("state", b)   // want `putCopied writes "state" non-atomically: data from json\.Marshal`
	putWithHeader("state", b)
}
