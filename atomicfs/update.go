package atomicfs

import (
	"encoding/json"
	"io/fs"
	"time"
)

// Update replaces the content of the file name with fn(old content), holding an exclusive lock
// that every Update and UpdateJSON of the same file, in any process, respects: no update is lost
// to a concurrent one. The write is atomic and durable as with WriteFile.
//
// fn gets nil if the file does not exist (an existing empty file gives an empty, non-nil slice).
// If fn returns SkipWrite, nothing is written and Update returns nil. If fn returns another
// error, nothing is written and Update returns that error, wrapped (errors.Is and errors.As see
// it).
//
// The lock is an advisory lock on the file itself: on Unix, flock(2) on the file that name names
// (the kernel resolves the path and its symbolic links), so that updates through different links
// to one file exclude each other, and, while the file does not exist, on the directory it will be
// created in. There is no lock file to delete or replace. On Windows it is LockFileEx on a sidecar
// file "<target>.lock" that is never removed. "Locked updates" in the package documentation says
// what the lock protects against and what it does not.
//
// fn must not call Update, UpdateJSON or View of the same file: that call would wait for the
// lock this one holds, forever (or until its WithLockTimeout). Other files are fine.
//
// Concurrent calls in one process share durable writes (group commit): while one batch of Updates
// of a file holds its lock and writes, the calls that arrive for the same file (with the same perm
// and write options) queue up, and the next batch takes the lock once, reads the file once, runs
// their fns in arrival order, each on the result of the ones before it, and writes and fsyncs
// once. Each call returns only when the write carrying its change is durable, so nil means what it
// means for a lone call; a fn that fails, returns SkipWrite or panics (the panic is raised again in
// its caller's goroutine) loses only its own change, and each fn gets its own copy of the content,
// so one that fails after changing it in place spoils nothing. A fn may thus run on the goroutine
// of another caller. Calls with WithLockTimeout or WithContext run alone, with their own limits.
// A lone call does what it did without batching.
//
// By default Update waits for the lock as long as it takes; WithLockTimeout and WithContext limit
// the wait (see ErrLockTimeout), and WithLockStats reports the wait, the hold and the batch.
func Update(name string, perm fs.FileMode, fn func(old []byte) ([]byte, error), opts ...Option) error {
	o, err := collect(callUpdate, name, opts)
	if err != nil {
		return err
	}
	return update(name, perm, &o, fn)
}

// UpdateJSON is Update for a JSON document of type T: fn gets a pointer to the decoded content
// (the zero T if the file does not exist) and changes it; the result is written as WriteJSON
// writes it. If the existing file does not decode as a T, UpdateJSON returns an error naming the
// file, fn is not called, and the file is left as it is: a corrupt file is never replaced by a
// zero value. If fn returns an error, nothing is written; SkipWrite makes UpdateJSON return nil.
func UpdateJSON[T any](name string, perm fs.FileMode, fn func(*T) error, opts ...Option) error {
	o, err := collect(callUpdateJSON, name, opts)
	if err != nil {
		return err
	}
	return update(name, perm, &o, func(old []byte) ([]byte, error) {
		var v T
		if old != nil {
			if err := json.Unmarshal(old, &v); err != nil {
				return nil, fail("decode", name, name, err)
			}
		}
		if err := fn(&v); err != nil {
			return nil, err
		}
		data, err := marshalJSON(&v, &o)
		if err != nil {
			return nil, fail("marshal", name, name, err)
		}
		return data, nil
	})
}

func update(name string, perm fs.FileMode, o *options, fn func([]byte) ([]byte, error)) error {
	c := &batchedCall{fn: fn, start: time.Now()}
	if o.ctx != nil || o.lockTimeout > 0 {
		// A call with its own limit on the lock wait runs alone: a batch waits for the lock with
		// the limits of the call that leads it.
		runBatch(name, perm, o, []*batchedCall{c})
	} else {
		updateBatched(name, perm, o, c)
	}
	if o.lockStats != nil && c.stats.Batch > 0 {
		o.lockStats(c.stats)
	}
	if c.panicked {
		panic(c.panicVal) // in the caller's goroutine, after the lock was released
	}
	return c.err
}
