package publisher

import (
	"context"
	"errors"
	"sync"

	"github.com/atomicjson/atomicjson/atomicfs"
)

// lockRecorder collects the lock statistics of one operation so they can be recorded in the lock
// metrics with a single locked update afterwards.
type lockRecorder struct {
	mu       sync.Mutex
	stats    []atomicfs.LockStats
	timeouts int
}

func (r *lockRecorder) add(ls atomicfs.LockStats) {
	r.mu.Lock()
	r.stats = append(r.stats, ls)
	r.mu.Unlock()
}

// observe counts a lock timeout in err; a wait the caller's context ended is not one.
func (r *lockRecorder) observe(err error) error {
	if errors.Is(err, atomicfs.ErrLockTimeout) && !isCanceled(err) {
		r.mu.Lock()
		r.timeouts++
		r.mu.Unlock()
	}
	return err
}

// updateOptions are the atomicfs options of every locked update of the root: directories created
// as needed, the store's lock timeout, ctx for the lock wait, and the lock statistics going to
// rec. UpdateJSON adds the root's JSON layout (jsonIndent), which Update refuses.
func (s *Store) updateOptions(ctx context.Context, rec *lockRecorder) []atomicfs.Option {
	return []atomicfs.Option{
		atomicfs.WithMkdirAll(dirPerm),
		atomicfs.WithLockTimeout(s.lockTimeout),
		atomicfs.WithContext(ctx),
		atomicfs.WithLockStats(rec.add),
	}
}

// systemFiles are the contents of the locked system files, each nil if the file is missing. Every
// write under the root happens while holding the lock of one of these files (a post file, the
// backup and the quarantine under the content index's), so holding all four, shared or exclusive,
// means that no write of any Store is in flight anywhere under the root.
type systemFiles struct {
	Topics      []byte
	Index       []byte
	Metrics     []byte
	LockMetrics []byte
}

// slot is one locked system file: its path and its content in a systemFiles.
type slot struct {
	rel     string
	content func(*systemFiles) *[]byte
}

// lockOrder is the order in which every operation takes the system files' locks. Publish takes
// the topic index and then the content index; Repair and CleanTemps (exclusive) and Verify
// (shared) take all four in this order; every other operation takes one lock at a time. No two
// operations can therefore wait for each other in a cycle.
var lockOrder = []slot{
	{TopicIndexFile, func(f *systemFiles) *[]byte { return &f.Topics }},
	{IndexFile, func(f *systemFiles) *[]byte { return &f.Index }},
	{MetricsFile, func(f *systemFiles) *[]byte { return &f.Metrics }},
	{LockMetricsFile, func(f *systemFiles) *[]byte { return &f.LockMetrics }},
}

// errInnerFailed stops an enclosing atomicfs update when the work inside it failed; the caller
// returns that failure itself, not wrapped in the name of every lock held around it.
var errInnerFailed = errors.New("publisher: locked work failed")

// updateJSON is atomicfs.UpdateJSON on one file of the root, with the store's update options. fn
// may return atomicfs.SkipWrite to write nothing. An error of fn comes back as fn returned it.
func updateJSON[T any](s *Store, ctx context.Context, rec *lockRecorder, rel string, fn func(*T) error) error {
	var ferr error
	err := atomicfs.UpdateJSON(s.abs(rel), filePerm, func(v *T) error {
		ferr = fn(v)
		if ferr != nil && !errors.Is(ferr, atomicfs.SkipWrite) {
			return errInnerFailed
		}
		return ferr
	}, append(s.updateOptions(ctx, rec), jsonIndent)...)
	if ferr != nil && !errors.Is(ferr, atomicfs.SkipWrite) {
		return ferr
	}
	return rec.observe(err)
}

// updateRaw is atomicfs.Update on one file of the root, for the recovery paths whose job is a file
// that may not decode (UpdateJSON would refuse it). fn may return atomicfs.SkipWrite to write
// nothing; an error of fn comes back as fn returned it.
func updateRaw(s *Store, ctx context.Context, rec *lockRecorder, rel string, fn func(old []byte) ([]byte, error)) error {
	var ferr error
	err := atomicfs.Update(s.abs(rel), filePerm, func(old []byte) ([]byte, error) {
		var data []byte
		data, ferr = fn(old)
		if ferr != nil && !errors.Is(ferr, atomicfs.SkipWrite) {
			return nil, errInnerFailed
		}
		return data, ferr
	}, s.updateOptions(ctx, rec)...)
	if ferr != nil && !errors.Is(ferr, atomicfs.SkipWrite) {
		return ferr
	}
	return rec.observe(err)
}

// withSystemLocks holds the exclusive locks of all system files, in lockOrder, while fn runs. fn
// gets their current contents and returns their new ones, a nil field meaning "leave as it is".
// While fn runs no Store in any process writes anything under the root, so fn may also remove
// temp files and rewrite any file.
func (s *Store) withSystemLocks(ctx context.Context, rec *lockRecorder, fn func(cur systemFiles) (systemFiles, error)) error {
	if _, err := s.createMissing(ctx, rec, TopicIndexFile, MetricsFile, LockMetricsFile); err != nil {
		return err
	}
	var cur, next systemFiles
	var failure error // the first failure inside the nest (fn's, or an inner lock's), as it is
	var lock func(i int) error
	lock = func(i int) error {
		if i == len(lockOrder) {
			next, failure = fn(cur)
			return failure
		}
		sl := lockOrder[i]
		return atomicfs.Update(s.abs(sl.rel), filePerm, func(old []byte) ([]byte, error) {
			*sl.content(&cur) = old
			if err := lock(i + 1); err != nil {
				if failure == nil {
					failure = err
				}
				return nil, errInnerFailed
			}
			if data := *sl.content(&next); data != nil {
				return data, nil
			}
			return nil, atomicfs.SkipWrite
		}, s.updateOptions(ctx, rec)...)
	}
	err := lock(0)
	if failure != nil {
		err = failure
	}
	return rec.observe(err)
}

// viewSystem holds shared locks on all system files, in lockOrder, while fn reads the root: each
// file is read with atomicfs.View, nested, so that fn runs while all of them are held. The shared
// locks exclude every update of those files in any process, so fn sees the root between
// operations, never in the middle of one, and other readers are not excluded. Taking them needs
// only read access. A root without a system directory has no locks to take: fn runs unlocked.
func (s *Store) viewSystem(ctx context.Context, fn func(cur systemFiles) error) error {
	var cur systemFiles
	if !s.exists(SystemDir) {
		return fn(cur)
	}
	var failure error // the first failure inside the nest (fn's, or an inner lock's), as it is
	var view func(i int) error
	view = func(i int) error {
		if i == len(lockOrder) {
			failure = fn(cur)
			return failure
		}
		sl := lockOrder[i]
		return atomicfs.View(s.abs(sl.rel), func(data []byte) error {
			*sl.content(&cur) = data
			if err := view(i + 1); err != nil {
				if failure == nil {
					failure = err
				}
				return errInnerFailed
			}
			return nil
		}, atomicfs.WithLockTimeout(s.lockTimeout), atomicfs.WithContext(ctx))
	}
	if err := view(0); failure == nil {
		return err
	}
	return failure
}

// createMissing gives each of the files rels that does not exist its empty content, each under its
// own lock, before a caller nests their locks. The lock of a missing file is its directory's
// (that is where it will be created), and one process cannot hold two of those on one directory:
// flock(2) through a second descriptor waits for the first. With these files present, a nest of
// locks holds at most one directory lock, the content index's, which is never created empty (a
// missing index is a state Recover and Repair must see as it is). It returns the files it created.
func (s *Store) createMissing(ctx context.Context, rec *lockRecorder, rels ...string) ([]string, error) {
	var created []string
	for _, rel := range rels {
		if s.exists(rel) {
			continue
		}
		err := updateRaw(s, ctx, rec, rel, func(old []byte) ([]byte, error) {
			if old != nil {
				return nil, atomicfs.SkipWrite // created meanwhile
			}
			created = append(created, rel)
			return encodeJSON(emptyContent[rel])
		})
		if err != nil {
			return created, err
		}
	}
	return created, nil
}

// emptyContent is what createMissing writes for each file it may create.
var emptyContent = map[string]any{
	TopicIndexFile:  ptr(newTopicIndex()),
	MetricsFile:     &Metrics{Failures: map[Code]uint64{}},
	LockMetricsFile: &LockMetrics{},
}

func ptr[T any](v T) *T { return &v }
