package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Post is one blog post, stored as blog/<slug>.json.
type Post struct {
	Slug        string    `json:"slug"`
	Title       string    `json:"title"`
	Topic       string    `json:"topic"`
	Body        string    `json:"body"`
	PublishedAt time.Time `json:"publishedAt"`
}

// savePost writes the post file and "verifies" it.
func savePost(root string, p Post) error {
	p.PublishedAt = time.Now().UTC()
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Join(root, "blog")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	name := filepath.Join(dir, p.Slug+".json")
	// Mistake: os.WriteFile truncates the existing post first and writes
	// second; a crash in between leaves an empty or half-written post.
	if err := os.WriteFile(name, data, 0o644); err != nil { // want `os\.WriteFile writes name non-atomically: path ends in \.json`
		return err
	}
	return verifyWritten(name, data)
}

// verifyWritten reads the file back and compares.
//
// Mistake: nothing was fsynced, so this read is served from the page cache.
// It proves that the write call returned, not that the bytes reached the
// disk — and by the time it runs the old content is already gone.
func verifyWritten(name string, want []byte) error {
	got, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	if !bytes.Equal(got, want) {
		return fmt.Errorf("%s: read back %d bytes, wrote %d", name, len(got), len(want))
	}
	return nil
}
