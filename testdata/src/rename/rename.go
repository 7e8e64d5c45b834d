// Package rename covers hand-rolled temp-file-and-rename writes.
package rename

import (
	"encoding/json"
	"os"
	"path/filepath"
)

// unsynced writes a fixed temp name and renames it without fsync.
func unsynced(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil { // the temp file: the rename is what matters
		return err
	}
	return os.Rename(tmp, path) // want `os\.Rename replaces path without fsyncing the temp file first: data from json\.Marshal; the temp name path \+ "\.tmp" is fixed`
}

// unsyncedTarget knows the target is JSON by its name.
func unsyncedTarget(dir string, data []byte) error {
	target := filepath.Join(dir, "state.json")
	f, err := os.CreateTemp(dir, "state-*")
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), target) // want `os\.Rename replaces target without fsyncing the temp file first: path ends in \.json`
}

// durable is the correct pattern: temp, encode, Sync, Close, Rename.
func durable(dir string, v any) error {
	f, err := os.CreateTemp(dir, "index-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := json.NewEncoder(f).Encode(v); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), filepath.Join(dir, "index.json"))
}

// durableFixed syncs a fixed temp name: durable, so quiet.
func durableFixed(path string, v any) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if err := json.NewEncoder(f).Encode(v); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	f.Close()
	return os.Rename(tmp, path)
}

// move renames a file it did not write: not a write at all.
func move(old string) error {
	return os.Rename(old, "archive.json")
}

// syncAfter syncs after the rename: too late.
func syncAfter(v any) error {
	tmpName := "out.json.tmp"
	f, err := os.Create(tmpName)
	if err != nil {
		return err
	}
	json.NewEncoder(f).Encode(v)
	f.Close()
	err = os.Rename(tmpName, "out.json") // want `os\.Rename replaces "out\.json" without fsyncing the temp file first: path ends in \.json; the temp name "out\.json\.tmp" is fixed`
	f.Sync()
	return err
}

// replaceText is not JSON.
func replaceText(path string, text []byte) error { // want replaceText:`writes\(os\.Rename, path=0, data=-1\)`
	tmp := path + ".new"
	if err := os.WriteFile(tmp, text, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func callReplace() {
	replaceText("x.json", nil) // want `replaceText replaces "x\.json" without fsyncing the temp file first: path ends in \.json`
	replaceText("x.txt", nil)
}

// handedOff passes the temp file to a function of its own, which syncs it.
func handedOff(path string, v any) error {
	f, err := os.CreateTemp(filepath.Dir(path), "tmp-*")
	if err != nil {
		return err
	}
	if err := json.NewEncoder(f).Encode(v); err != nil {
		return err
	}
	if err := syncAndClose(f); err != nil {
		return err
	}
	return os.Rename(f.Name(), path+".json")
}

func syncAndClose(f *os.File) error {
	if err := f.Sync(); err != nil {
		return err
	}
	return f.Close()
}

// closedOnly hands the file to the standard library only: still unsynced.
func closedOnly(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "tmp-*")
	if err != nil {
		return err
	}
	f.Write(b)
	defer os.Remove(f.Name())
	f.Close()
	return os.Rename(f.Name(), filepath.Join(path, "index.json")) // want `os\.Rename replaces .* without fsyncing the temp file first: path ends in \.json`
}
