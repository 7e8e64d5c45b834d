package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"time"
)

// Metrics counts publish attempts, stored in metrics.json.
type Metrics struct {
	Attempts  int           `json:"attempts"`
	Failures  int           `json:"failures"`
	TotalTime time.Duration `json:"totalTime"`
}

// recordMetrics adds one attempt to the metrics file.
//
// Mistake: the file is rewritten in place — opened read-write, truncated and
// encoded again. A crash after the truncate leaves an empty metrics.json; two
// writers at once interleave their bytes and lose counts.
func recordMetrics(root string, took time.Duration, failed error) error {
	f, err := os.OpenFile(filepath.Join(root, "metrics.json"), os.O_RDWR|os.O_CREATE, 0o644) // want `os\.OpenFile .*non-atomically`
	if err != nil {
		return err
	}
	defer f.Close()
	var m Metrics
	if err := json.NewDecoder(f).Decode(&m); err != nil && err != io.EOF {
		return err
	}
	m.Attempts++
	if failed != nil {
		m.Failures++
	}
	m.TotalTime += took
	if err := f.Truncate(0); err != nil {
		return err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	return json.NewEncoder(f).Encode(m)
}
