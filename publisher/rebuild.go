package publisher

import (
	"bytes"
	"context"

	"github.com/atomicjson/atomicjson/atomicfs"
)

// RebuildReport says what Rebuild did.
type RebuildReport struct {
	Posts       int           // posts in the new index
	Quarantined []Quarantined // post files (and a corrupt index) set aside
	Unchanged   bool          // the index already matched the post files: nothing was written
}

// Rebuild scans the post files and writes a fresh content index from them, under the index lock,
// backing up the old index if it was valid. A corrupt or partial post file is moved to the
// quarantine directory and reported; a corrupt old index is kept there too.
func (s *Store) Rebuild(ctx context.Context) (RebuildReport, error) {
	rec := &lockRecorder{}
	var rep RebuildReport
	err := updateRaw(s, ctx, rec, IndexFile, func(old []byte) ([]byte, error) {
		rep = RebuildReport{}
		data, err := s.rebuildIndex(old, &rep)
		if err == nil && bytes.Equal(data, old) {
			rep.Unchanged = true
			return nil, atomicfs.SkipWrite
		}
		return data, err
	})
	return rep, s.recordLocksAfter(ctx, rec, wrap("rebuild", "", err))
}

// rebuildIndex is Rebuild's work under the index lock: it returns the new index.
func (s *Store) rebuildIndex(old []byte, rep *RebuildReport) ([]byte, error) {
	posts, qs, err := s.scanAndQuarantine()
	rep.Quarantined = append(rep.Quarantined, qs...)
	if err != nil {
		return nil, err
	}
	idx := buildIndex(posts)
	rep.Posts = len(idx.Posts)
	data, err := encodeJSON(&idx)
	if err != nil || bytes.Equal(data, old) {
		return data, err
	}
	if old == nil {
		return data, nil // no old index to keep
	}
	oldIdx, derr := decodeIndex(old)
	if derr == nil {
		return data, s.backupIndex(oldIdx)
	}
	q, err := s.quarantineCopy(IndexFile, old, derr.Error())
	if err != nil {
		return nil, err
	}
	rep.Quarantined = append(rep.Quarantined, q)
	return data, nil
}
