// Package files covers file evidence: the *os.File is fed to a JSON encoder.
package files

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

func direct(path string, v any) error {
	f, err := os.Create(path) // want `os\.Create writes path non-atomically: file fed to json\.NewEncoder`
	if err != nil {
		return err
	}
	defer f.Close()
	return json.NewEncoder(f).Encode(v)
}

func buffered(path string, v any) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644) // want `os\.OpenFile writes path non-atomically: file fed to json\.NewEncoder`
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

func multi(path string, v any) error {
	f, err := os.Create(path) // want `os\.Create writes path non-atomically: file fed to json\.NewEncoder`
	if err != nil {
		return err
	}
	defer f.Close()
	enc := json.NewEncoder(io.MultiWriter(f, os.Stdout))
	return enc.Encode(v)
}

func written(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	f, err := os.Create(path) // want `os\.Create writes path non-atomically: data from json\.Marshal`
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.Write(b)
	return err
}

func notJSON(path string, lines []string) error { // want notJSON:`writes\(os\.Create, path=0, data=-1\)`
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	for _, l := range lines {
		w.WriteString(l + "\n")
	}
	json.NewEncoder(os.Stdout).Encode(lines) // another writer
	return w.Flush()
}

func appendLog(path string, v any) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644) // appending: not a truncating write
	if err != nil {
		return err
	}
	defer f.Close()
	return json.NewEncoder(f).Encode(v)
}

func printed(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	f, err := os.Create(path) // want `os\.Create writes path non-atomically: data from json\.Marshal`
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.WriteString(f, string(b))
	return err
}

func printedText(path string, lines []string) error { // want printedText:`writes\(os\.Create, path=0, data=-1\)`
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	for _, l := range lines {
		fmt.Fprintln(f, l)
	}
	return nil
}
