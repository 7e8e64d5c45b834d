package publisher

import (
	"context"

	"github.com/atomicjson/atomicjson/atomicfs"
)

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
	err := updateRaw(s, ctx, rec, IndexFile, func(old []byte) ([]byte, error) {
		data, r, err := s.recoverIndex(old)
		rep = r
		if err == nil && data == nil {
			return nil, atomicfs.SkipWrite
		}
		return data, err
	})
	return rep, s.recordLocksAfter(ctx, rec, wrap("recover", "", err))
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
		return nil, rep, &fileError{Path: BackupFile, Step: "read", Err: err}
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
	idx = bidx
	if data == nil {
		idx = buildIndex(posts)
		rep.Action, rep.Posts = RecoverRebuilt, len(idx.Posts)
		if data, err = encodeJSON(&idx); err != nil {
			return nil, rep, err
		}
	}
	if replaceBackup {
		if err := s.backupIndex(idx); err != nil {
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
