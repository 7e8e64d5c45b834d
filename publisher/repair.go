package publisher

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/atomicjson/atomicjson/atomicfs"
)

// Change is one thing Repair did.
type Change struct {
	Action string // "removed-temp", "quarantined", "restored-backup", "rebuilt-index", ...
	Path   string // the file concerned, relative to the root
	Detail string
}

// String renders the change on one line: "path: action: detail".
func (c Change) String() string { return fmt.Sprintf("%s: %s: %s", c.Path, c.Action, c.Detail) }

// RepairReport says what Repair changed and which problems, if any, remain.
type RepairReport struct {
	Changes   []Change
	Remaining []Problem // what Verify still finds afterwards; empty when the root is consistent
}

// OK reports whether the root is consistent after the repair.
func (r *RepairReport) OK() bool { return len(r.Remaining) == 0 }

// Repair fixes what Verify finds, holding all the store's locks so no publisher writes meanwhile:
// it removes temp files; quarantines files that do not parse and posts that do not validate;
// recovers a missing or corrupt index (see Recover); indexes valid posts missing from the index,
// re-indexes posts whose entry does not match, and drops entries whose post is gone (completing
// an interrupted Unpublish); replaces a corrupt backup with the repaired index; adds missing topic
// records; and resets a corrupt metrics file. Every change is reported. Nothing valid is deleted:
// whatever is replaced is kept in the quarantine directory. Remaining lists what Verify finds
// afterwards.
func (s *Store) Repair(ctx context.Context) (*RepairReport, error) {
	rep := &RepairReport{}
	err := s.withRootLocks(ctx, func(rec *lockRecorder, locked bool) error {
		if !locked {
			return nil // nothing was ever written: there is nothing to repair
		}
		return s.withAllLocks(ctx, rec, func(olds [][]byte) ([][]byte, error) {
			return s.repairLocked(olds, rep)
		})
	})
	if err != nil {
		return rep, wrap("repair", "", err)
	}
	v, err := s.Verify(ctx)
	if err != nil {
		return rep, err
	}
	rep.Remaining = v.Problems
	return rep, nil
}

// repairLocked does Repair's work while all locks are held. olds and the result are indexed like
// lockedFiles.
func (s *Store) repairLocked(olds [][]byte, rep *RepairReport) ([][]byte, error) {
	change := func(action, rel, format string, args ...any) {
		rep.Changes = append(rep.Changes, Change{Action: action, Path: rel, Detail: fmt.Sprintf(format, args...)})
	}
	quarantined := func(qs []Quarantined) {
		for _, q := range qs {
			change("quarantined", q.From, "moved to %s: %s", q.To, q.Reason)
		}
	}
	news := make([][]byte, len(lockedFiles))

	// No writer is active, so every temp file is a leftover.
	removed, err := s.cleanTemps(0)
	for _, rel := range removed {
		change("removed-temp", rel, "left behind by an interrupted write")
	}
	if err != nil {
		return nil, err
	}

	// Files that do not parse and that no later step replaces are moved aside.
	err = s.walkFiles(func(rel string) error {
		if !strings.HasSuffix(rel, ".json") || atomicfs.IsTemp(filepath.Base(rel)) || slices.Contains(lockedFiles, rel) ||
			rel == BackupFile || filepath.ToSlash(filepath.Dir(rel)) == PostsDir {
			return nil
		}
		data, err := s.readFile(rel)
		if err != nil || json.Valid(data) {
			return err
		}
		q, err := s.quarantine(rel, "does not parse as JSON")
		if err != nil {
			return err
		}
		quarantined([]Quarantined{q})
		return nil
	})
	if err != nil {
		return nil, err
	}

	posts, qs, err := s.scanAndQuarantine()
	quarantined(qs)
	if err != nil {
		return nil, err
	}

	// The content index.
	oldIndex := olds[0]
	idx, ierr := decodeIndex(oldIndex)
	backup, err := s.readFile(BackupFile)
	if err != nil {
		return nil, err
	}
	switch {
	case ierr != nil || (oldIndex == nil && (len(posts) > 0 || backup != nil)):
		data, rr, err := s.recoverIndex(oldIndex)
		quarantined(rr.Quarantined)
		if err != nil {
			return nil, err
		}
		change(string(rr.Action), IndexFile, "%s", rr.Reason)
		news[0] = data
		if idx, err = decodeIndex(data); err != nil {
			return nil, err
		}
	case oldIndex != nil:
		if s.reconcile(idx, posts, change) {
			if err := s.backup(oldIndex); err != nil {
				return nil, err
			}
			if news[0], err = idx.encode(); err != nil {
				return nil, err
			}
		}
	}

	// A backup that is not a valid index gets the repaired index instead. Read it again: recovering
	// the index may have replaced it already.
	if backup, err = s.readFile(BackupFile); err != nil {
		return nil, err
	}
	if _, berr := decodeIndex(backup); backup != nil && berr != nil {
		q, err := s.quarantine(BackupFile, berr.Error())
		if err != nil {
			return nil, err
		}
		quarantined([]Quarantined{q})
		cur := news[0]
		if cur == nil {
			cur = oldIndex
		}
		if cur != nil {
			if err := s.writeFile(BackupFile, cur); err != nil {
				return nil, err
			}
			change("replaced-backup", BackupFile, "now a copy of the current index")
		}
	}

	now := s.timestamp()
	if news[1], err = s.repairTopics(olds[1], idx, now, change); err != nil {
		return nil, err
	}
	if news[2], err = s.repairMetrics(MetricsFile, olds[2], &Metrics{}, &Metrics{Failures: map[Code]uint64{}}, change); err != nil {
		return nil, err
	}
	if news[3], err = s.repairMetrics(LockMetricsFile, olds[3], &LockMetrics{}, &LockMetrics{}, change); err != nil {
		return nil, err
	}
	return news, nil
}

// reconcile brings a valid index in line with the post files, which are the truth: every file in
// the root was written atomically, and a post file is written before its entry. It reports whether
// idx changed.
func (s *Store) reconcile(idx *Index, posts map[string]scannedPost, change func(action, rel, format string, args ...any)) bool {
	changed := false
	for _, e := range slices.Clone(idx.Posts) {
		p, ok := posts[e.Slug]
		switch {
		case !ok:
			idx.remove(e.Slug)
			change("dropped-entry", PostPath(e.Slug), "index entry without a post file removed")
			changed = true
		case !e.equal(entryFor(p.sp, p.data)):
			idx.upsert(entryFor(p.sp, p.data))
			change("reindexed-post", PostPath(e.Slug), "index entry updated to match the post file")
			changed = true
		}
	}
	for slug, p := range posts {
		if _, ok := idx.Get(slug); !ok {
			idx.upsert(entryFor(p.sp, p.data))
			change("indexed-post", PostPath(slug), "valid post file added to the content index")
			changed = true
		}
	}
	return changed
}

// repairTopics returns a new topic index if old is corrupt or lacks a topic of the index, else nil.
func (s *Store) repairTopics(old []byte, idx *Index, now time.Time, change func(action, rel, format string, args ...any)) ([]byte, error) {
	ti, err := decodeTopics(old)
	changed := false
	if err != nil {
		q, qerr := s.quarantineCopy(TopicIndexFile, old, err.Error())
		if qerr != nil {
			return nil, qerr
		}
		change("quarantined", TopicIndexFile, "copied to %s: %s", q.To, q.Reason)
		change("rebuilt-topics", TopicIndexFile, "recreated from the content index; attempt counts restart")
		ti, changed = &topicIndex{Version: topicIndexVersion, Topics: map[string]*Topic{}}, true
	}
	if idx != nil {
		for _, e := range idx.Posts {
			if t := ti.Topics[e.Topic]; t == nil {
				ti.Topics[e.Topic] = &Topic{Name: e.Topic, Status: TopicPublished, CreatedAt: now, UpdatedAt: now, LastPublishedAt: e.UpdatedAt}
				change("added-topic", TopicIndexFile, "topic %q of indexed posts recorded as published", e.Topic)
				changed = true
			} else if e.UpdatedAt.After(t.LastPublishedAt) && t.Status == TopicPublished {
				t.LastPublishedAt = e.UpdatedAt
			}
		}
	}
	if !changed {
		return nil, nil
	}
	return encodeJSON(ti)
}

// repairMetrics returns zero metrics if the metrics file rel does not decode into probe, else nil.
// The corrupt file is kept in quarantine: its counts cannot be trusted, so they restart.
func (s *Store) repairMetrics(rel string, old []byte, probe, zero any, change func(action, rel, format string, args ...any)) ([]byte, error) {
	err := decodeMetrics(old, probe, rel)
	if err == nil {
		return nil, nil
	}
	q, err := s.quarantineCopy(rel, old, err.Error())
	if err != nil {
		return nil, err
	}
	change("quarantined", rel, "copied to %s: %s", q.To, q.Reason)
	change("reset-metrics", rel, "counts restart from zero")
	return encodeJSON(zero)
}

// CleanTemps removes the temp files interrupted writes left under the root that are older than
// olderThan, and returns their root-relative paths. It holds all the store's locks, so the temp
// file of a write in progress in another process is never removed.
func (s *Store) CleanTemps(ctx context.Context, olderThan time.Duration) ([]string, error) {
	var removed []string
	err := s.withRootLocks(ctx, func(rec *lockRecorder, locked bool) error {
		if !locked {
			var err error
			removed, err = s.cleanTemps(olderThan)
			return err
		}
		return s.withAllLocks(ctx, rec, func([][]byte) ([][]byte, error) {
			var err error
			removed, err = s.cleanTemps(olderThan)
			return nil, err
		})
	})
	return removed, wrap("clean temps", "", err)
}

// cleanTemps removes temp files in every directory under the root except the quarantine.
func (s *Store) cleanTemps(olderThan time.Duration) ([]string, error) {
	var removed []string
	err := filepath.WalkDir(s.root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if s.rel(path) == QuarantineDir {
			return filepath.SkipDir
		}
		paths, err := atomicfs.CleanTemps(path, olderThan)
		for _, p := range paths {
			if !filepath.IsAbs(p) && filepath.Dir(p) == "." {
				p = filepath.Join(path, p)
			}
			removed = append(removed, s.rel(p))
		}
		return err
	})
	return removed, err
}
