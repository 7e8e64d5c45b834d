package publisher

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
)

// scannedPost is a post file that decoded and validated.
type scannedPost struct {
	sp   StoredPost
	data []byte
}

// badFile is a file that does not decode or validate.
type badFile struct {
	rel, reason string
}

// scanPosts reads every post file. Temp files, lock files, directories and files not ending in
// .json are not posts and are skipped.
func (s *Store) scanPosts() (map[string]scannedPost, []badFile, error) {
	posts := map[string]scannedPost{}
	ents, err := os.ReadDir(s.abs(PostsDir))
	if errors.Is(err, fs.ErrNotExist) {
		return posts, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	var bad []badFile
	for _, de := range ents {
		slug, ok := slugFromPostName(de.Name())
		if !ok || de.IsDir() {
			continue
		}
		rel := PostsDir + "/" + de.Name()
		if err := ValidateSlug(slug); err != nil {
			bad = append(bad, badFile{rel, "file name is not a valid slug"})
			continue
		}
		sp, data, err := s.readPost(slug)
		if errors.Is(err, fs.ErrNotExist) {
			continue // unpublished since ReadDir
		}
		var ve *ValidationError
		if errors.As(err, &ve) {
			bad = append(bad, badFile{rel, ve.Error()})
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		posts[slug] = scannedPost{sp, data}
	}
	return posts, bad, nil
}

// scanAndQuarantine scans the posts and moves every bad one to the quarantine directory.
func (s *Store) scanAndQuarantine() (map[string]scannedPost, []Quarantined, error) {
	posts, bad, err := s.scanPosts()
	if err != nil {
		return nil, nil, err
	}
	var qs []Quarantined
	for _, b := range bad {
		q, err := s.quarantine(b.rel, b.reason)
		if err != nil {
			return nil, qs, err
		}
		qs = append(qs, q)
	}
	return posts, qs, nil
}

// buildIndex derives the content index from the post files.
func buildIndex(posts map[string]scannedPost) *Index {
	idx := &Index{Version: indexVersion, Posts: make([]Entry, 0, len(posts))}
	for _, p := range posts {
		idx.Posts = append(idx.Posts, entryFor(p.sp, p.data))
	}
	slices.SortFunc(idx.Posts, func(a, b Entry) int {
		switch {
		case a.Slug < b.Slug:
			return -1
		case a.Slug > b.Slug:
			return 1
		}
		return 0
	})
	return idx
}

// matchPosts reports how idx differs from the post files, or "" if it describes them exactly.
func matchPosts(idx *Index, posts map[string]scannedPost) string {
	for _, e := range idx.Posts {
		p, ok := posts[e.Slug]
		if !ok {
			return fmt.Sprintf("%s is indexed but has no post file", e.Slug)
		}
		if !e.equal(entryFor(p.sp, p.data)) {
			return fmt.Sprintf("%s: the entry does not match the post file (checksum or fields differ)", e.Slug)
		}
	}
	for slug := range posts {
		if _, ok := idx.Get(slug); !ok {
			return fmt.Sprintf("%s has a post file but is not indexed", slug)
		}
	}
	return ""
}

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
	err := s.update(ctx, rec, IndexFile, func(old []byte) ([]byte, error) {
		rep = RebuildReport{}
		data, err := s.rebuildIndex(old, &rep)
		if err == nil && bytes.Equal(data, old) {
			rep.Unchanged = true
			return nil, errUnchanged
		}
		return data, err
	})
	err = wrap("rebuild", "", err)
	if lerr := s.recordLocks(context.WithoutCancel(ctx), rec); err == nil {
		err = lerr
	}
	return rep, err
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
	data, err := idx.encode()
	if err != nil || bytes.Equal(data, old) {
		return data, err
	}
	if _, derr := decodeIndex(old); derr == nil {
		err = s.backup(old)
	} else {
		var q Quarantined
		q, err = s.quarantineCopy(IndexFile, old, derr.Error())
		rep.Quarantined = append(rep.Quarantined, q)
	}
	return data, err
}

// RecoverAction says what Recover did.
type RecoverAction string

// The outcomes of Recover.
const (
	RecoverNotNeeded RecoverAction = "not-needed"      // the index was valid: nothing changed
	RecoverRestored  RecoverAction = "restored-backup" // the backup matched the posts and replaced the index
	RecoverRebuilt   RecoverAction = "rebuilt"         // the index was rebuilt from the post files
)

// RecoverReport says what Recover did and why.
type RecoverReport struct {
	Action      RecoverAction
	Reason      string // why the index needed recovery, and why the backup was or was not used
	Posts       int    // posts in the index afterwards
	Quarantined []Quarantined
}

// Recover repairs a content index that is missing or does not parse: it restores the backup if the
// backup parses and matches the post files' checksums exactly, and rebuilds from the post files
// otherwise. A corrupt index is kept in the quarantine directory; so is a corrupt backup, which is
// replaced by a copy of the recovered index. A valid index is left alone.
func (s *Store) Recover(ctx context.Context) (RecoverReport, error) {
	rec := &lockRecorder{}
	var rep RecoverReport
	err := s.update(ctx, rec, IndexFile, func(old []byte) ([]byte, error) {
		data, r, err := s.recoverIndex(old)
		rep = r
		if err == nil && data == nil {
			return nil, errUnchanged
		}
		return data, err
	})
	err = wrap("recover", "", err)
	if lerr := s.recordLocks(context.WithoutCancel(ctx), rec); err == nil {
		err = lerr
	}
	return rep, err
}

// recoverIndex is Recover's work under the index lock. It returns the new index, or nil if the
// index is valid and stays as it is.
func (s *Store) recoverIndex(old []byte) ([]byte, RecoverReport, error) {
	var rep RecoverReport
	idx, derr := decodeIndex(old)
	if old != nil && derr == nil {
		return nil, RecoverReport{Action: RecoverNotNeeded, Reason: "the index is valid", Posts: len(idx.Posts)}, nil
	}
	rep.Reason = "the index is missing"
	if derr != nil {
		rep.Reason = derr.Error()
	}
	posts, qs, err := s.scanAndQuarantine()
	rep.Quarantined = qs
	if err != nil {
		return nil, rep, err
	}

	var data []byte
	replaceBackup := false
	backup, err := s.readFile(BackupFile)
	if err != nil {
		return nil, rep, err
	}
	bidx, berr := decodeIndex(backup)
	switch {
	case backup == nil:
		rep.Reason += "; there is no backup"
	case berr != nil:
		rep.Reason += "; the backup is unusable: " + berr.Error()
		// A corrupt backup protects nothing: set it aside, and back up the recovered index below.
		q, err := s.quarantine(BackupFile, berr.Error())
		if err != nil {
			return nil, rep, err
		}
		rep.Quarantined = append(rep.Quarantined, q)
		replaceBackup = true
	default:
		if diff := matchPosts(bidx, posts); diff != "" {
			rep.Reason += "; the backup does not match the post files: " + diff
		} else {
			rep.Action, rep.Posts, data = RecoverRestored, len(bidx.Posts), backup
			rep.Reason += "; the backup matches the post files"
		}
	}
	if data == nil {
		idx := buildIndex(posts)
		rep.Action, rep.Posts = RecoverRebuilt, len(idx.Posts)
		if data, err = idx.encode(); err != nil {
			return nil, rep, err
		}
	}
	if replaceBackup {
		if err := s.backup(data); err != nil {
			return nil, rep, err
		}
	}
	if old != nil {
		q, err := s.quarantineCopy(IndexFile, old, derr.Error())
		if err != nil {
			return nil, rep, err
		}
		rep.Quarantined = append(rep.Quarantined, q)
	}
	return data, rep, nil
}
