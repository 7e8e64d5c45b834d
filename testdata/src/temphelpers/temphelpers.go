// Package temphelpers covers temp-file-and-rename through helpers of
// another package: a helper that makes the temp file, one that renames.
package temphelpers

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"

	"example.com/fsutil"
	"github.com/atomicjson/atomicjson/atomicfs"
)

// A correct temp, Sync, helper-rename sequence: quiet, and its os.Create is
// a temp file, not a write of the target.
func syncedThenReplace(v any) error {
	f, err := os.Create("state.json.tmp")
	if err != nil {
		return err
	}
	json.NewEncoder(f).Encode(v)
	if err := f.Sync(); err != nil {
		return err
	}
	f.Close()
	return fsutil.Replace("state.json.tmp", "state.json")
}

// The same without Sync: reported on the helper's rename.
func unsyncedReplace(v any) error {
	f, _ := os.Create("s.json.tmp")
	json.NewEncoder(f).Encode(v)
	f.Close()
	return fsutil.Replace("s.json.tmp", "s.json") // want `fsutil\.Replace replaces "s\.json" without fsyncing the temp file first: path ends in \.json`
}

// A temp made by a helper, renamed onto config.json without Sync: reported.
func ingestConfig(r io.Reader) error {
	f, err := fsutil.Ingest(".", r)
	if err != nil {
		return err
	}
	f.Close()
	return os.Rename(f.Name(), "config.json") // want `os\.Rename replaces "config\.json" without fsyncing the temp file first: path ends in \.json`
}

// The caller syncs the helper's temp: quiet.
func ingestSynced(r io.Reader) error {
	f, err := fsutil.Ingest(".", r)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	f.Close()
	return os.Rename(f.Name(), "config.json")
}

// The helper synced its temp: quiet, even through the rename helper.
func writeTempSynced(v any) error {
	b, _ := json.Marshal(v)
	name, err := fsutil.WriteTemp(".", b)
	if err != nil {
		return err
	}
	return fsutil.Replace(name, "app.json")
}

// A staged, unsynced temp renamed onto a JSON file: reported, whatever the
// helper's own write looked like.
func staged(v any) error {
	var buf bytes.Buffer
	json.NewEncoder(&buf).Encode(v)
	name, err := fsutil.StageFile(".", buf.Bytes())
	if err != nil {
		return err
	}
	return os.Rename(name, "index.json") // want `os\.Rename replaces "index\.json" without fsyncing the temp file first`
}

// A rename helper of this package, called before its declaration.
func localReplace(v any) error {
	f, _ := os.CreateTemp(".", "x")
	json.NewEncoder(f).Encode(v)
	f.Close()
	return move(f.Name(), "local.json") // want `move replaces "local\.json" without fsyncing the temp file first`
}

func move(from, to string) error { return os.Rename(from, to) } // want move:`renames\(0, 1\)`

// A writer type holds the temp file and renames it in a method: the
// constructor's os.Create is the temp half, not a write of the target.
type tempWriter struct {
	f    *os.File
	path string
}

func newTempWriter(path string) (*tempWriter, error) {
	f, err := os.Create(path + ".tmp")
	if err != nil {
		return nil, err
	}
	json.NewEncoder(f).Encode(path)
	return &tempWriter{f: f, path: path}, nil
}

func (w *tempWriter) Commit() error {
	if err := w.f.Sync(); err != nil {
		return err
	}
	w.f.Close()
	return os.Rename(w.f.Name(), w.path)
}

// A helper that takes the temp file and syncs it: quiet, and the os.Create
// of the temp is not a write of the target.
func viaCommit(v any) error {
	f, err := os.Create("cfg.json.tmp")
	if err != nil {
		return err
	}
	json.NewEncoder(f).Encode(v)
	return fsutil.Commit(f, "cfg.json")
}

// One that does not sync: reported on the helper's call.
func viaPublish(v any) error {
	f, err := os.Create("pub.json.tmp")
	if err != nil {
		return err
	}
	json.NewEncoder(f).Encode(v)
	return fsutil.Publish(f, "pub.json") // want `fsutil\.Publish replaces "pub\.json" without fsyncing the temp file first: path ends in \.json`
}

// The helper package's Rename is a rename: a synced temp renamed by it is
// quiet, an unsynced one is reported there.
func viaHelperRenameSynced(v any) error {
	f, _ := os.Create("h.json.tmp")
	json.NewEncoder(f).Encode(v)
	f.Sync()
	f.Close()
	return atomicfs.Rename("h.json.tmp", "h.json")
}

func viaHelperRename(v any) error {
	f, _ := os.Create("h.json.tmp")
	json.NewEncoder(f).Encode(v)
	f.Close()
	return atomicfs.Rename("h.json.tmp", "h.json") // want `atomicfs\.Rename replaces "h\.json" without fsyncing the temp file first`
}

// A function that writes a document and returns its path for the record
// has written it in place: reported, not taken for a temp file.
func writeIndex(dir string, v any) (string, error) {
	p := filepath.Join(dir, "index")
	f, err := os.Create(p) // want `os\.Create writes p non-atomically: file fed to json\.NewEncoder`
	if err != nil {
		return "", err
	}
	json.NewEncoder(f).Encode(v)
	f.Close()
	return p, nil
}
