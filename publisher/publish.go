package publisher

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Status says what Publish did.
type Status string

// The outcomes of a successful Publish.
const (
	Created   Status = "created"   // the slug was not published before
	Updated   Status = "updated"   // the slug was published with other content
	Unchanged Status = "unchanged" // the same content was already published: nothing was written
)

// Result describes a successful Publish.
type Result struct {
	Status Status
	Entry  Entry  // the post's index entry as it now stands
	Path   string // the post file, relative to the root
}

// Publish validates p and publishes it: under the index's cross-process lock it writes the post
// file, backs up the content index and upserts the post's entry; it then marks the topic published
// (or failed, with the error's Code), records the attempt in the metrics, and adds the lock
// statistics to the lock metrics, each with its own locked read-modify-write. ctx bounds the lock
// waits of the publish itself; the bookkeeping runs even if ctx is canceled, so no attempt goes
// uncounted.
//
// An invalid post returns a *ValidationError and writes nothing at all. Publishing the same content
// again is idempotent (Unchanged); publishing new content under an existing slug keeps publishedAt
// and sets updatedAt. Bookkeeping that fails after the post is published (topic index, metrics)
// returns the Result together with an *Error whose Code says which file failed.
func (s *Store) Publish(ctx context.Context, p Post) (Result, error) {
	p = p.normalized()
	if err := p.validate(s.maxPostSize); err != nil {
		return Result{}, err
	}
	start := time.Now()
	rec := &lockRecorder{}
	res, err := s.publish(ctx, rec, p)
	err = wrap("publish", p.Slug, err)

	// Bookkeeping runs even if ctx is canceled: the attempt happened and must be counted.
	bctx := context.WithoutCancel(ctx)
	var terr error
	if err == nil {
		_, terr = s.markTopicLocked(bctx, rec, p.Topic, "", "")
	} else {
		_, terr = s.markTopicLocked(bctx, rec, p.Topic, CodeOf(err), err.Error())
	}
	if err == nil && terr != nil {
		err = terr
	}
	if merr := s.recordPublish(bctx, rec, CodeOf(err), time.Since(start)); err == nil {
		err = merr
	}
	if lerr := s.recordLocks(bctx, rec); err == nil {
		err = lerr
	}
	return res, err
}

// publish is the part of Publish that runs under the index lock.
func (s *Store) publish(ctx context.Context, rec *lockRecorder, p Post) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	res := Result{Path: PostPath(p.Slug)}
	err := s.update(ctx, rec, IndexFile, func(old []byte) ([]byte, error) {
		idx, err := decodeIndex(old)
		if err != nil {
			return nil, err
		}
		prev, indexed := idx.Get(p.Slug)
		cur, curData, curErr := s.readPost(p.Slug)
		var corrupt *ValidationError
		if curErr != nil && !errors.Is(curErr, fs.ErrNotExist) && !errors.As(curErr, &corrupt) {
			return nil, curErr // cannot tell what is there: touch nothing
		}

		var data []byte
		var sp StoredPost
		switch {
		case curErr == nil && cur.Post.sameContent(p):
			// Already on disk, e.g. published before or written just before a crash.
			sp, data = cur, curData
		default:
			now := s.timestamp()
			sp = StoredPost{Post: p, PublishedAt: now, UpdatedAt: now}
			if curErr == nil {
				sp.PublishedAt = cur.PublishedAt
			} else if indexed {
				sp.PublishedAt = prev.PublishedAt
			}
			if data, err = encodePost(sp); err != nil {
				return nil, err
			}
			if corrupt != nil {
				// Never overwrite a file that does not decode without keeping it: set it aside.
				if _, err := s.quarantine(res.Path, curErr.Error()); err != nil {
					return nil, err
				}
			}
			if err := s.writeFile(res.Path, data); err != nil {
				return nil, err
			}
		}
		res.Entry = entryFor(sp, data)
		switch {
		case !indexed:
			res.Status = Created
		case prev.equal(res.Entry):
			res.Status = Unchanged
			return nil, errUnchanged
		default:
			res.Status = Updated
		}
		if err := s.backup(old); err != nil {
			return nil, err
		}
		idx.upsert(res.Entry)
		return idx.encode()
	})
	if err != nil {
		return Result{}, err
	}
	return res, nil
}

// backup writes the index as it was before an update to BackupFile. Callers only pass an index that
// decoded, so a corrupt index never replaces a good backup.
func (s *Store) backup(old []byte) error {
	if old == nil {
		return nil
	}
	return s.writeFile(BackupFile, old)
}

// readPost reads and decodes the post file of slug. A missing file is fs.ErrNotExist; a file that
// does not decode or validate is a *ValidationError.
func (s *Store) readPost(slug string) (StoredPost, []byte, error) {
	data, err := os.ReadFile(s.abs(PostPath(slug)))
	if err != nil {
		return StoredPost{}, nil, err
	}
	sp, err := decodeStoredPost(data, slug)
	return sp, data, err
}

// Get returns the published post with the given slug, or an error with CodeNotFound.
func (s *Store) Get(slug string) (StoredPost, error) {
	if err := ValidateSlug(slug); err != nil {
		return StoredPost{}, err
	}
	sp, _, err := s.readPost(slug)
	if errors.Is(err, fs.ErrNotExist) {
		err = ErrNotFound
	}
	if err != nil {
		return StoredPost{}, wrap("get", slug, err)
	}
	return sp, nil
}

// List returns the entries of the content index, sorted by slug.
func (s *Store) List() ([]Entry, error) {
	data, err := s.readFile(IndexFile)
	if err != nil {
		return nil, wrap("list", "", err)
	}
	idx, err := decodeIndex(data)
	if err != nil {
		return nil, wrap("list", "", err)
	}
	return idx.Posts, nil
}

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
	err := s.update(ctx, rec, IndexFile, func(old []byte) ([]byte, error) {
		idx, err := decodeIndex(old)
		if err != nil {
			return nil, err
		}
		_, curErr := os.Stat(s.abs(PostPath(slug)))
		_, indexed := idx.Get(slug)
		if errors.Is(curErr, fs.ErrNotExist) && !indexed {
			return nil, ErrNotFound
		}
		if curErr == nil {
			if err := s.removePost(slug); err != nil {
				return nil, err
			}
		}
		if !indexed {
			return nil, errUnchanged
		}
		if err := s.backup(old); err != nil {
			return nil, err
		}
		idx.remove(slug)
		return idx.encode()
	})
	err = wrap("unpublish", slug, err)
	if lerr := s.recordLocks(context.WithoutCancel(ctx), rec); err == nil {
		err = lerr
	}
	return err
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
		return err
	}
	path := s.abs(rel)
	if err := os.Remove(path); err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}
