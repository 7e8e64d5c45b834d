// Package fsutil has temp-file and rename helpers, used from another package.
package fsutil

import (
	"io"
	"os"
	"path/filepath"
)

// Ingest copies r into a new temp file in dir and returns it, unsynced.
func Ingest(dir string, r io.Reader) (*os.File, error) { // want Ingest:`tempFile\(0\)`
	f, err := os.CreateTemp(dir, "ingest-*")
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return f, nil
}

// WriteTemp writes data into a temp file in dir, fsyncs it and returns its name.
func WriteTemp(dir string, data []byte) (string, error) { // want WriteTemp:`tempFile\(0, synced\)`
	f, err := os.CreateTemp(dir, "tmp-*")
	if err != nil {
		return "", err
	}
	defer f.Close()
	if _, err := f.Write(data); err != nil {
		return "", err
	}
	if err := f.Sync(); err != nil {
		return "", err
	}
	return f.Name(), nil
}

// StageFile writes data under a fixed temp name and returns it, unsynced.
func StageFile(dir string, data []byte) (string, error) { // want StageFile:`tempFile\(0\)`
	p := filepath.Join(dir, ".stage.tmp")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		return "", err
	}
	return p, nil
}

// Replace renames src onto dst and fsyncs dst's directory.
func Replace(src, dst string) error { // want Replace:`renames\(0, 1\)`
	if err := os.Rename(src, dst); err != nil {
		return err
	}
	d, err := os.Open(filepath.Dir(dst))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Commit syncs, closes and renames the temp file f onto dst.
func Commit(f *os.File, dst string) error { // want Commit:`renamesFile\(0, 1, synced\)`
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), dst)
}

// Publish closes and renames f onto dst without syncing it.
func Publish(f *os.File, dst string) error { // want Publish:`renamesFile\(0, 1\)`
	f.Close()
	return os.Rename(f.Name(), dst)
}
