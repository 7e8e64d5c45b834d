// Package renamesync covers which Sync makes a temp file durable before its
// rename.
package renamesync

import (
	"encoding/json"
	"os"
	"syscall"
)

type logger struct{}

func (logger) Sync() error { return nil }

// A logger's Sync does not make the temp file durable.
func syncLogger(v any, log logger) error {
	tmp := "x.json.tmp"
	f, _ := os.Create(tmp)
	json.NewEncoder(f).Encode(v)
	log.Sync()
	f.Close()
	return os.Rename(tmp, "x.json") // want `os\.Rename replaces "x\.json" without fsyncing the temp file first`
}

// Syncing the directory alone leaves the temp file's data in the cache.
func syncDirOnly(v any) error {
	dir, _ := os.Open(".")
	tmp := "y.json.tmp"
	f, _ := os.Create(tmp)
	json.NewEncoder(f).Encode(v)
	dir.Sync()
	f.Close()
	return os.Rename(tmp, "y.json") // want `os\.Rename replaces "y\.json" without fsyncing the temp file first`
}

// The renamed file itself is synced: correct, quiet.
func syncTemp(v any) error {
	f, err := os.CreateTemp(".", "z-*.tmp")
	if err != nil {
		return err
	}
	json.NewEncoder(f).Encode(v)
	if err := f.Sync(); err != nil {
		return err
	}
	f.Close()
	return os.Rename(f.Name(), "z.json")
}

// fsync through the system call on the file's descriptor: quiet.
func fsyncFd(v any) error {
	tmp := "w.json.tmp"
	f, _ := os.Create(tmp)
	json.NewEncoder(f).Encode(v)
	syscall.Fsync(int(f.Fd()))
	f.Close()
	return os.Rename(tmp, "w.json")
}

// The file written by os.WriteFile, reopened and synced: quiet.
func reopenSync(data []byte) error {
	tmp := "r.json.tmp"
	os.WriteFile(tmp, data, 0o600)
	g, _ := os.OpenFile(tmp, os.O_RDWR, 0)
	g.Sync()
	g.Close()
	return os.Rename(tmp, "r.json")
}

// Another file's descriptor synced: reported.
func fsyncOther(v any, other *os.File) error {
	tmp := "o.json.tmp"
	f, _ := os.Create(tmp)
	json.NewEncoder(f).Encode(v)
	syscall.Fsync(int(other.Fd()))
	f.Close()
	return os.Rename(tmp, "o.json") // want `os\.Rename replaces "o\.json" without fsyncing the temp file first`
}
