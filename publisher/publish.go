package publisher

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/atomicjson/atomicjson/atomicfs"
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

// PublishJSON decodes one post from JSON exactly as ParsePost does (the same strict rules, the same
// errors naming the field) and publishes it with Publish. It is what the publish command runs, so
// the command and the Go API accept and reject the same posts.
func (s *Store) PublishJSON(ctx context.Context, data []byte) (Result, error) {
	p, err := decodePost(data)
	if err != nil {
		return Result{}, err
	}
	return s.Publish(ctx, p)
}

// Publish validates p and publishes it. Holding the topic index's cross-process lock and, inside
// it, the content index's, it writes the post file, backs up the content index, upserts the post's
// entry, and then marks the topic published (or failed, with the error's Code); it then records the
// attempt in the publish metrics and the lock statistics in the lock metrics, each with its own
// locked update. ctx bounds the lock waits of the publish itself; the metrics are recorded even if
// ctx is canceled, so no attempt goes uncounted.
//
// An invalid post returns a *ValidationError, and nothing is written. A post whose file would be
// larger than the store's limit (see WithMaxPostSize) is found only once the exact bytes are known,
// under the locks: it too leaves the post, the index, the topic records and the publish metrics as
// they were, but the locks it took are counted in the lock metrics, and in a root that had none an
// empty topic index has been created (so that its lock can be held beside the content index's).
// Publishing the same content again is idempotent (Unchanged); publishing new content under an
// existing slug keeps publishedAt and sets updatedAt. Bookkeeping that fails after the post is
// published (topic index, metrics) returns the Result together with an *Error whose Code says
// which file failed.
func (s *Store) Publish(ctx context.Context, p Post) (Result, error) {
	p = p.normalized()
	if err := p.Validate(); err != nil {
		return Result{}, err
	}
	start := time.Now()
	rec := &lockRecorder{}
	res, err := s.publishWithTopic(ctx, rec, p)
	var invalid *ValidationError
	if errors.As(err, &invalid) {
		return Result{}, s.recordLocksAfter(ctx, rec, err) // not an attempt: not counted
	}
	if merr := s.recordPublish(context.WithoutCancel(ctx), rec, CodeOf(err), time.Since(start)); err == nil {
		err = merr
	}
	return res, s.recordLocksAfter(ctx, rec, err)
}

// publishWithTopic holds the topic index's lock while writePost runs, and marks the topic with
// the outcome. The error is the publish's own failure if it failed, else the topic index's. The
// topic index is created first if it is missing, so that its lock is not its directory's, which
// the content index's may need to be (see createMissing).
func (s *Store) publishWithTopic(ctx context.Context, rec *lockRecorder, p Post) (Result, error) {
	if _, err := s.createMissing(ctx, rec, TopicIndexFile); err != nil {
		return Result{}, wrapTopicErr("publish", err)
	}
	var res Result
	var perr error
	terr := s.updateTopics(ctx, rec, "publish", func(ti *topicIndex, now time.Time) error {
		res, perr = s.writePost(ctx, rec, p)
		perr = wrap("publish", p.Slug, perr)
		var invalid *ValidationError
		if errors.As(perr, &invalid) {
			return atomicfs.SkipWrite // nothing was published, nothing is recorded
		}
		msg := ""
		if perr != nil {
			msg = perr.Error()
		}
		ti.mark(p.Topic, now, CodeOf(perr), msg)
		return nil
	})
	if perr != nil {
		return Result{}, perr
	}
	return res, terr
}

// writePost is the part of Publish that runs under the content index's lock: the post file, the
// backup and the index entry.
func (s *Store) writePost(ctx context.Context, rec *lockRecorder, p Post) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	res := Result{Path: PostPath(p.Slug)}
	err := s.updateIndex(ctx, rec, func(idx *Index, existed bool) error {
		old := idx.clone()
		prev, indexed := idx.Get(p.Slug)
		cur, data, curErr := s.readPost(p.Slug)
		var corrupt *ValidationError
		if curErr != nil && !errors.Is(curErr, fs.ErrNotExist) && !errors.As(curErr, &corrupt) {
			return &fileError{Path: res.Path, Step: "read", Err: curErr} // cannot tell what is there: touch nothing
		}
		sp := cur
		if curErr != nil || !cur.Post.sameContent(p) {
			now := s.timestamp()
			sp = StoredPost{Post: p, PublishedAt: now, UpdatedAt: now}
			if curErr == nil {
				sp.PublishedAt = cur.PublishedAt
			} else if indexed {
				sp.PublishedAt = prev.PublishedAt
			}
			var err error
			if data, err = encodePost(sp); err != nil {
				return err
			}
			if len(data) > s.maxPostSize {
				return &ValidationError{Field: "body", Reason: fmt.Sprintf("the post file would be %d bytes, over the limit of %d", len(data), s.maxPostSize)}
			}
			if corrupt != nil {
				// Never overwrite a file that does not decode without keeping it: set it aside.
				if _, err := s.quarantine(res.Path, curErr.Error()); err != nil {
					return err
				}
			}
			if err := s.writeFile(res.Path, data); err != nil {
				return &fileError{Path: res.Path, Step: "write", Err: err}
			}
		}
		res.Entry = entryFor(sp, data)
		switch {
		case !indexed:
			res.Status = Created
		case prev.equal(res.Entry):
			res.Status = Unchanged
			return atomicfs.SkipWrite
		default:
			res.Status = Updated
		}
		if existed {
			if err := s.backupIndex(old); err != nil {
				return err
			}
		}
		idx.upsert(res.Entry)
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	return res, nil
}
