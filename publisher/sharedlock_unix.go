//go:build unix

package publisher

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// sharedLockRetry is how often a shared lock wait tries again.
const sharedLockRetry = time.Millisecond

// lockShared takes a shared lock that excludes atomicfs.Update of the file path in every process
// but not other shared locks, and returns the function that releases it. It opens files read-only
// and so needs no write access anywhere: flock(2) works on a read-only mount and for a user who
// may only read.
//
// It takes the locks Update takes: flock on the target file itself, re-checked after locking
// (the file may have been replaced by the update that held the lock), or, for a missing target, on
// its directory, re-checked that the target is still missing; and, while atomicfs versions that
// lock a "<target>.lock" sidecar may still run against the root, on that sidecar if it exists. A
// missing directory has nothing to lock: nothing was ever written there.
func lockShared(ctx context.Context, path string) (release func(), err error) {
	var held []*os.File
	release = func() {
		for _, f := range held {
			f.Close() // closing the only descriptor releases its flock
		}
	}
	hold := func(name string) (*os.File, error) {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		if err := flockShared(ctx, f); err != nil {
			f.Close()
			return nil, err
		}
		return f, nil
	}
	if f, err := hold(path + ".lock"); err == nil {
		held = append(held, f)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	for {
		f, err := hold(path)
		switch {
		case err == nil:
			if same, err := sameFile(f, path); err != nil || !same {
				f.Close()
				if err != nil && !errors.Is(err, fs.ErrNotExist) {
					release()
					return nil, err
				}
				continue // replaced (or removed) while we waited: lock what is there now
			}
			held = append(held, f)
			return release, nil
		case !errors.Is(err, fs.ErrNotExist):
			release()
			return nil, err
		}
		d, err := hold(filepath.Dir(path))
		if errors.Is(err, fs.ErrNotExist) {
			return release, nil
		}
		if err != nil {
			release()
			return nil, err
		}
		if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
			held = append(held, d)
			return release, nil
		}
		d.Close() // created while we waited: lock the file instead
	}
}

// sameFile reports whether the open file f is still the file at path.
func sameFile(f *os.File, path string) (bool, error) {
	fi, err := f.Stat()
	if err != nil {
		return false, err
	}
	pi, err := os.Stat(path)
	if err != nil {
		return false, err
	}
	return os.SameFile(fi, pi), nil
}

// flockShared waits for flock(LOCK_SH) on f until ctx is done.
func flockShared(ctx context.Context, f *os.File) error {
	conn, err := f.SyscallConn()
	if err != nil {
		return err
	}
	for {
		var ferr error
		if err := conn.Control(func(fd uintptr) {
			ferr = syscall.Flock(int(fd), syscall.LOCK_SH|syscall.LOCK_NB)
		}); err != nil {
			return err
		}
		if !errors.Is(ferr, syscall.EWOULDBLOCK) && !errors.Is(ferr, syscall.EINTR) {
			if ferr != nil {
				return &fs.PathError{Op: "flock", Path: f.Name(), Err: ferr}
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(sharedLockRetry):
		}
	}
}
