// Package osync covers temp files opened with O_SYNC or O_DSYNC: each write
// is durable when it returns, so the rename needs no Sync first.
package osync

import (
	"encoding/json"
	"os"
	"syscall"
)

func withOSync(v any) error {
	f, err := os.OpenFile("cfg.json.tmp", os.O_WRONLY|os.O_CREATE|os.O_TRUNC|os.O_SYNC, 0o644)
	if err != nil {
		return err
	}
	json.NewEncoder(f).Encode(v)
	f.Close()
	return os.Rename("cfg.json.tmp", "cfg.json")
}

func withODsync(v any) error {
	flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC | syscall.O_DSYNC
	f, err := os.OpenFile("d.json.tmp", flags, 0o644)
	if err != nil {
		return err
	}
	json.NewEncoder(f).Encode(v)
	f.Close()
	return os.Rename("d.json.tmp", "d.json")
}

// O_SYNC on one path only: not every write is synchronous.
func maybeSync(v any, durable bool) error {
	flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if durable {
		flags |= os.O_SYNC
	}
	f, _ := os.OpenFile("m.json.tmp", flags, 0o644)
	json.NewEncoder(f).Encode(v)
	f.Close()
	return os.Rename("m.json.tmp", "m.json") // want `os\.Rename replaces "m\.json" without fsyncing the temp file first: path ends in \.json; the temp name "m\.json\.tmp" is fixed`
}

// Without O_SYNC: reported.
func plain(v any) error {
	f, _ := os.OpenFile("p.json.tmp", os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	json.NewEncoder(f).Encode(v)
	f.Close()
	return os.Rename("p.json.tmp", "p.json") // want `os\.Rename replaces "p\.json" without fsyncing`
}
