package publisher

import (
	"context"
	"errors"
	"io/fs"
	"os"

	"github.com/atomicjson/atomicjson/atomicfs"
)

// Unpublish removes the post with the given slug and its index entry, under the index lock and with
// a backup of the index. The post file goes first: a crash in between leaves an index entry without
// its post, which Repair drops, completing the unpublish. An unknown slug is an error with
// CodeNotFound.
func (s *Store) Unpublish(ctx context.Context, slug string) error {
	if err := ValidateSlug(slug); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return wrap("unpublish", slug, err)
	}
	rec := &lockRecorder{}
	err := s.updateIndex(ctx, rec, func(idx *Index, existed bool) error {
		old := idx.clone()
		rel := PostPath(slug)
		_, statErr := os.Lstat(s.abs(rel))
		_, indexed := idx.Get(slug)
		switch {
		case errors.Is(statErr, fs.ErrNotExist) && !indexed:
			return ErrNotFound
		case statErr == nil:
			if err := s.removePost(slug); err != nil {
				return err
			}
		case !errors.Is(statErr, fs.ErrNotExist):
			return &fileError{Path: rel, Step: "stat", Err: statErr}
		}
		if !indexed {
			return atomicfs.SkipWrite
		}
		if existed {
			if err := s.backupIndex(old); err != nil {
				return err
			}
		}
		idx.remove(slug)
		return nil
	})
	return s.recordLocksAfter(ctx, rec, wrap("unpublish", slug, err))
}

// removePost deletes a post file durably. A file that does not decode is quarantined instead:
// only valid content is ever deleted, and only by an explicit Unpublish.
func (s *Store) removePost(slug string) error {
	rel := PostPath(slug)
	var corrupt *ValidationError
	if _, _, err := s.readPost(slug); errors.As(err, &corrupt) {
		_, qerr := s.quarantine(rel, err.Error())
		return qerr
	} else if err != nil {
		return &fileError{Path: rel, Step: "read", Err: err}
	}
	if err := atomicfs.Remove(s.abs(rel)); err != nil {
		return &fileError{Path: rel, Step: "remove", Err: err}
	}
	return nil
}
