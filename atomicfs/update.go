package atomicfs

import (
	"encoding/json"
	"errors"
	"fmt"
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
// By default Update waits for the lock as long as it takes; WithLockTimeout and WithContext limit
// the wait (see ErrLockTimeout), and WithLockStats reports the wait and hold times.
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

func update(name string, perm fs.FileMode, o *options, fn func([]byte) ([]byte, error)) (err error) {
	w, err := newLockWait(o)
	if err != nil {
		return fail("lock", name, name, err)
	}
	l, err := lockFile(name, perm, exclusive, o, w)
	if err != nil {
		return err
	}
	acquired := time.Now()
	defer func() {
		uerr := l.release()
		if o.lockStats != nil {
			o.lockStats(w.stats(acquired))
		}
		if uerr != nil && err == nil {
			err = fail("unlock", name, name, uerr)
		}
	}()

	old, err := l.content()
	if err != nil {
		return fail("read", name, name, err)
	}
	data, err := fn(old)
	if errors.Is(err, SkipWrite) {
		return nil
	}
	if err != nil {
		var oe *opError
		if errors.As(err, &oe) && oe.name == name {
			return err // already names this file and the step
		}
		return fmt.Errorf("atomicfs: update %s: %w", name, err)
	}
	return writeFile(name, data, perm, o)
}
