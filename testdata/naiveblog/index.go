package main

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/atomicjson/atomicjson/testdata/naiveblog/fsutil"
)

// indexFile is the content index: every post's slug, title and topic.
const indexFile = "index.json"

// IndexEntry is one post in the content index.
type IndexEntry struct {
	Slug  string `json:"slug"`
	Title string `json:"title"`
	Topic string `json:"topic"`
}

// indexMu serializes index updates within this process only: a second
// process (a cron job, a second server) still races with this one.
var indexMu sync.Mutex

// addToIndex upserts the post into the content index, keeping a backup of
// the previous index first.
func addToIndex(root string, p Post) error {
	indexMu.Lock()
	defer indexMu.Unlock()
	name := filepath.Join(root, indexFile)
	old, err := os.ReadFile(name)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	index := map[string]IndexEntry{}
	if len(old) > 0 {
		if err := json.Unmarshal(old, &index); err != nil {
			return err
		}
		// Mistake: the backup goes through a helper that wraps
		// os.WriteFile, so the backup can be torn exactly like the index.
		if err := fsutil.WriteFile(filepath.Join(root, "index.backup.json"), old); err != nil { // want `fsutil\.WriteFile writes filepath\.Join\(root, "index\.backup\.json"\) non-atomically: path ends in \.json`
			return err
		}
	}
	index[p.Slug] = IndexEntry{Slug: p.Slug, Title: p.Title, Topic: p.Topic}
	data, err := json.Marshal(index)
	if err != nil {
		return err
	}
	// Mistake: the whole index is truncated and rewritten in place; a
	// crash in between loses every post's entry, not just this one.
	return os.WriteFile(name, data, 0o644) // want `os\.WriteFile writes name non-atomically: path ends in \.json`
}
