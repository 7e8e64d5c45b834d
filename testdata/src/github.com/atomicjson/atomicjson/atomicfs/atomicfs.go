// Package atomicfs is a stub of the helper package, so that fixed code type-checks.
// It is the helper: the writes below are its business and never reported.
package atomicfs

import (
	"encoding/json"
	"io/fs"
	"os"
)

type Option func()

func WriteFile(name string, data []byte, perm fs.FileMode, opts ...Option) error {
	return os.WriteFile(name+".tmp", data, perm)
}

func WriteJSON(name string, v any, perm fs.FileMode, opts ...Option) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return os.WriteFile(name, b, perm) // exempt: inside the helper
}

func writeConfig() error {
	return os.WriteFile("config.json", nil, 0o644) // exempt: inside the helper
}

// Rename renames oldpath onto newpath and fsyncs the directory.
func Rename(oldpath, newpath string) error { return os.Rename(oldpath, newpath) }
