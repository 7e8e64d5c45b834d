package publisher

import (
	"context"
	"errors"
	"fmt"

	"github.com/atomicjson/atomicjson/atomicfs"
)

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
	}, s.updateOptions(ctx, rec)...)
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
	var cur, next systemFiles
	var ferr error
	var lock func(i int) error
	lock = func(i int) error {
		if i == len(lockOrder) {
			next, ferr = fn(cur)
			return ferr
		}
		sl := lockOrder[i]
		return atomicfs.Update(s.abs(sl.rel), filePerm, func(old []byte) ([]byte, error) {
			*sl.content(&cur) = old
			if err := lock(i + 1); err != nil {
				return nil, errInnerFailed
			}
			if data := *sl.content(&next); data != nil {
				return data, nil
			}
			return nil, atomicfs.SkipWrite
		}, s.updateOptions(ctx, rec)...)
	}
	err := lock(0)
	if ferr != nil {
		return ferr
	}
	return rec.observe(err)
}

// viewSystem holds shared locks on all system files, in lockOrder, while fn reads the root. The
// shared locks exclude every update of those files in any process, so fn sees the root between
// operations, never in the middle of one, and other readers are not excluded. Taking them needs
// only read access. A root without a system directory has no locks to take: fn runs unlocked.
func (s *Store) viewSystem(ctx context.Context, fn func(cur systemFiles) error) error {
	waitCtx, cancel := context.WithTimeout(ctx, s.lockTimeout)
	defer cancel()
	var cur systemFiles
	for _, sl := range lockOrder {
		release, err := lockShared(waitCtx, s.abs(sl.rel))
		if err != nil {
			if ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
				err = fmt.Errorf("%w (waited %v)", atomicfs.ErrLockTimeout, s.lockTimeout)
			}
			return &fileError{Path: sl.rel, Step: "shared lock", Err: err}
		}
		defer release()
		if *sl.content(&cur), err = s.readFile(sl.rel); err != nil {
			return &fileError{Path: sl.rel, Step: "read", Err: err}
		}
	}
	return fn(cur)
}
