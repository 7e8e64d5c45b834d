package atomicfs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"
)

// lockRetry is how often an Update whose wait can end (a timeout or a context) tries the lock again.
const lockRetry = 2 * time.Millisecond

// Update replaces the content of the file name with fn(old content), holding an exclusive lock
// that every Update and UpdateJSON of the same file, in any process, respects: no update is lost
// to a concurrent one. The write is atomic and durable as with WriteFile.
//
// fn gets nil if the file does not exist (an existing empty file gives an empty, non-nil slice).
// If fn returns SkipWrite, nothing is written and Update returns nil. If fn returns another
// error, nothing is written and Update returns that error, wrapped (errors.Is and errors.As see
// it).
//
// The lock is an advisory lock (flock on Unix, LockFileEx on Windows) on the sidecar file
// "<target>.lock" next to the target (with symbolic links resolved, so that updates through
// different links to one file exclude each other). The data file itself is never locked: the
// rename replaces it, and a lock on the old file would not exclude a writer of the new one. The
// sidecar is created with perm (minus the umask) and is never removed: removing it would let two
// processes hold locks on two different files of that name at once. Writers that do not use
// Update (WriteFile, or another program) are not excluded.
//
// By default Update waits for the lock as long as it takes; WithLockTimeout and WithContext limit
// the wait (see ErrLockTimeout), and WithLockStats reports the wait and hold times.
func Update(name string, perm fs.FileMode, fn func(old []byte) ([]byte, error), opts ...Option) error {
	o := collect(opts)
	return update(name, perm, &o, fn)
}

// UpdateJSON is Update for a JSON document of type T: fn gets a pointer to the decoded content
// (the zero T if the file does not exist) and changes it; the result is written as WriteJSON
// writes it. If the existing file does not decode as a T, UpdateJSON returns an error naming the
// file, fn is not called, and the file is left as it is: a corrupt file is never replaced by a
// zero value. If fn returns an error, nothing is written; SkipWrite makes UpdateJSON return nil.
func UpdateJSON[T any](name string, perm fs.FileMode, fn func(*T) error, opts ...Option) error {
	o := collect(opts)
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
	target := name
	unlock, err := lock(name, target+".lock", perm, o)
	if err != nil {
		return err
	}
	defer func() {
		if uerr := unlock(); uerr != nil && err == nil {
			err = uerr
		}
	}()

	old, err := os.ReadFile(target)
	if errors.Is(err, fs.ErrNotExist) {
		old, err = nil, nil
	}
	if err != nil {
		return fail("read", name, target, err)
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

// lock takes the exclusive lock on the sidecar lockPath and returns the function that releases it
// (and reports the LockStats).
func lock(name, lockPath string, perm fs.FileMode, o *options) (func() error, error) {
	ctx := o.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		// Do not even try: the caller no longer wants the update.
		return nil, fail("lock", name, lockPath, fmt.Errorf("%w: %w", ErrLockTimeout, err))
	}
	lk := flock.New(lockPath, flock.SetPermissions(perm))
	start := time.Now()
	ok, err := lk.TryLock()
	if errors.Is(err, fs.ErrNotExist) && o.mkdirAll {
		if err := mkdirAll(filepath.Dir(lockPath), o.dirPerm, o.noSync); err != nil {
			return nil, fail("mkdir", name, filepath.Dir(lockPath), withoutDirSyncMark(err))
		}
		ok, err = lk.TryLock()
	}
	if err != nil {
		return nil, fail("lock", name, lockPath, err)
	}
	contended := !ok
	if !ok && o.lockTimeout <= 0 && ctx.Done() == nil {
		// Nothing can end the wait: block in flock(2), which the kernel wakes as soon as the
		// holder unlocks, rather than polling and losing the race to a holder that relocks at once
		// (polling put the 99th-percentile wait at hundreds of milliseconds with 8 processes).
		if err := lk.Lock(); err != nil {
			return nil, fail("lock", name, lockPath, err)
		}
		ok = true
	}
	if !ok {
		waitCtx, cancel := ctx, context.CancelFunc(func() {})
		if o.lockTimeout > 0 {
			waitCtx, cancel = context.WithTimeout(ctx, o.lockTimeout)
		}
		ok, err = lk.TryLockContext(waitCtx, lockRetry)
		cancel()
		if !ok {
			lk.Close()
			switch {
			case ctx.Err() != nil:
				err = fmt.Errorf("%w: %w", ErrLockTimeout, ctx.Err())
			case waitCtx.Err() != nil:
				err = fmt.Errorf("%w (waited %v)", ErrLockTimeout, o.lockTimeout)
			}
			return nil, fail("lock", name, lockPath, err)
		}
	}
	acquired := time.Now()
	return func() error {
		err := lk.Unlock()
		if o.lockStats != nil {
			o.lockStats(LockStats{Wait: acquired.Sub(start), Hold: time.Since(acquired), Contended: contended})
		}
		if err != nil {
			return fail("unlock", name, lockPath, err)
		}
		return nil
	}, nil
}
