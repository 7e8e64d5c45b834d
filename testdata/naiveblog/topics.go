package main

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// markTopic records that a topic has published posts, in topics.json.
//
// It knows that os.WriteFile is not atomic and writes a temp file and
// renames it instead, but gets the sequence wrong twice.
func markTopic(root, topic string) error {
	name := filepath.Join(root, "topics.json")
	topics := map[string]bool{}
	if data, err := os.ReadFile(name); err == nil {
		if err := json.Unmarshal(data, &topics); err != nil {
			return err
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	topics[topic] = true

	// Mistake: one fixed temp name for every writer. Two goroutines (or two
	// processes) publishing at once truncate and write the same
	// topics.json.tmp, and one of them renames the other's half-written
	// file into place.
	tmp := name + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if err := json.NewEncoder(f).Encode(topics); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	// Mistake: no f.Sync() before the rename. The rename can reach the disk
	// before the data does; after a power cut topics.json is empty on
	// ext4, xfs and btrfs. (And no fsync of the directory after it.)
	return os.Rename(tmp, name) // want `os\.Rename replaces name without fsyncing the temp file first`
}
