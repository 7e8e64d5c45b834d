package publisher

import (
	"context"
	"encoding/json"
	"fmt"
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

// Repair fixes what Verify finds, from every state Verify can observe, holding the exclusive
// locks of all system files so that no publisher writes meanwhile: it removes temp files;
// quarantines files that do not parse and posts that do not validate; recovers a missing or
// corrupt index (see Recover), creating a missing system directory; indexes valid posts missing
// from the index, re-indexes posts whose entry does not match, and drops entries whose post is
// gone (completing an interrupted Unpublish); replaces a corrupt backup with the repaired index;
// adds missing topic records; and resets a corrupt metrics file. Every change is reported.
// Nothing valid is deleted: whatever is replaced is kept in the quarantine directory. Remaining
// lists what Verify still finds afterwards, if anything: what Repair could not fix, with the
// reason in each Problem. A root that Verify finds consistent is not written to at all; otherwise a
// missing topic index or metrics file is first created empty, so that the locks of all system
// files can be held together (a missing file's lock is its directory's, and one process cannot
// hold that twice).
func (s *Store) Repair(ctx context.Context) (*RepairReport, error) {
	rep := &RepairReport{}
	before, err := s.Verify(ctx)
	if err != nil {
		return rep, wrap("repair", "", err)
	}
	if before.OK() {
		return rep, nil
	}
	rec := &lockRecorder{}
	// Created here rather than by withSystemLocks, so that the report lists them.
	created, err := s.createMissing(ctx, rec, TopicIndexFile, MetricsFile, LockMetricsFile)
	for _, rel := range created {
		rep.Changes = append(rep.Changes, Change{Action: "created-empty", Path: rel, Detail: "was missing; created empty so that all the locks can be held together"})
	}
	if err != nil {
		return rep, s.recordLocksAfter(ctx, rec, wrap("repair", "", err))
	}
	err = s.withSystemLocks(ctx, rec, func(cur systemFiles) (systemFiles, error) {
		return s.repairLocked(cur, rep)
	})
	if err = s.recordLocksAfter(ctx, rec, wrap("repair", "", err)); err != nil {
		return rep, err
	}
	after, err := s.Verify(ctx)
	if err != nil {
		return rep, wrap("repair", "", err)
	}
	rep.Remaining = after.Problems
	return rep, nil
}

// repairLocked does Repair's work while all locks are held: cur is what the system files hold,
// the result what they must hold afterwards (nil fields stay as they are).
func (s *Store) repairLocked(cur systemFiles, rep *RepairReport) (systemFiles, error) {
	change := func(action, rel, format string, args ...any) {
		rep.Changes = append(rep.Changes, Change{Action: action, Path: rel, Detail: fmt.Sprintf(format, args...)})
	}
	quarantined := func(qs []Quarantined) {
		for _, q := range qs {
			change("quarantined", q.From, "moved to %s: %s", q.To, q.Reason)
		}
	}
	var next systemFiles

	// No writer is active, so every temp file is a leftover.
	removed, err := s.cleanTemps(0)
	for _, rel := range removed {
		change("removed-temp", rel, "left behind by an interrupted write")
	}
	if err != nil {
		return next, err
	}

	// Files that do not parse and that no later step replaces are moved aside.
	err = s.walkFiles(func(rel string) error {
		if !strings.HasSuffix(rel, ".json") || atomicfs.IsTemp(filepath.Base(rel)) || isLockedFile(rel) ||
			rel == BackupFile || filepath.ToSlash(filepath.Dir(rel)) == PostsDir {
			return nil
		}
		data, err := s.readFile(rel)
		if err != nil {
			return &fileError{Path: rel, Step: "read", Err: err}
		}
		if json.Valid(data) {
			return nil
		}
		q, err := s.quarantine(rel, "does not parse as JSON")
		if err != nil {
			return err
		}
		quarantined([]Quarantined{q})
		return nil
	})
	if err != nil {
		return next, err
	}

	posts, qs, err := s.scanAndQuarantine()
	quarantined(qs)
	if err != nil {
		return next, err
	}

	// The content index.
	idx, ierr := decodeIndex(cur.Index)
	backup, err := s.readFile(BackupFile)
	if err != nil {
		return next, &fileError{Path: BackupFile, Step: "read", Err: err}
	}
	switch {
	case ierr != nil || (cur.Index == nil && (len(posts) > 0 || backup != nil)):
		data, rr, err := s.recoverIndex(cur.Index)
		quarantined(rr.Quarantined)
		if err != nil {
			return next, err
		}
		change(string(rr.Action), IndexFile, "%s", rr.Reason)
		next.Index = data
		if idx, err = decodeIndex(data); err != nil {
			return next, err
		}
	case cur.Index != nil:
		old := idx.clone()
		if s.reconcile(&idx, posts, change) {
			if err := s.backupIndex(old); err != nil {
				return next, err
			}
			if next.Index, err = encodeJSON(&idx); err != nil {
				return next, err
			}
		}
	}

	// A backup that is not a valid index gets the repaired index instead. Read it again: recovering
	// the index may have replaced it already.
	if backup, err = s.readFile(BackupFile); err != nil {
		return next, &fileError{Path: BackupFile, Step: "read", Err: err}
	}
	if _, berr := decodeIndex(backup); backup != nil && berr != nil {
		q, err := s.quarantine(BackupFile, berr.Error())
		if err != nil {
			return next, err
		}
		quarantined([]Quarantined{q})
		if cur.Index != nil || next.Index != nil {
			if err := s.backupIndex(idx); err != nil {
				return next, err
			}
			change("replaced-backup", BackupFile, "now a copy of the current index")
		}
	}

	now := s.timestamp()
	if next.Topics, err = s.repairTopics(cur.Topics, idx, now, change); err != nil {
		return next, err
	}
	if next.Metrics, err = s.repairMetrics(MetricsFile, cur.Metrics, &Metrics{}, &Metrics{Failures: map[Code]uint64{}}, change); err != nil {
		return next, err
	}
	if next.LockMetrics, err = s.repairMetrics(LockMetricsFile, cur.LockMetrics, &LockMetrics{}, &LockMetrics{}, change); err != nil {
		return next, err
	}
	return next, nil
}

// isLockedFile reports whether rel is one of the system files whose locks Repair holds.
func isLockedFile(rel string) bool {
	return slices.ContainsFunc(lockOrder, func(sl slot) bool { return sl.rel == rel })
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
func (s *Store) repairTopics(old []byte, idx Index, now time.Time, change func(action, rel, format string, args ...any)) ([]byte, error) {
	ti, err := decodeTopics(old)
	changed := false
	if err != nil {
		q, qerr := s.quarantineCopy(TopicIndexFile, old, err.Error())
		if qerr != nil {
			return nil, qerr
		}
		change("quarantined", TopicIndexFile, "copied to %s: %s", q.To, q.Reason)
		change("rebuilt-topics", TopicIndexFile, "recreated from the content index; attempt counts restart")
		ti, changed = newTopicIndex(), true
	}
	for _, e := range idx.Posts {
		if t := ti.Topics[e.Topic]; t == nil {
			ti.Topics[e.Topic] = &Topic{Name: e.Topic, Status: TopicPublished, CreatedAt: now, UpdatedAt: now, LastPublishedAt: e.UpdatedAt}
			change("added-topic", TopicIndexFile, "topic %q of indexed posts recorded as published", e.Topic)
			changed = true
		}
	}
	if !changed {
		return nil, nil
	}
	return encodeJSON(&ti)
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
