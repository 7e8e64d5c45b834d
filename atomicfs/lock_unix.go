//go:build unix

package atomicfs

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"strings"
	"syscall"
)

// heldLock is a held Update lock: flock(2) on the target file itself (opened by its path, so the
// kernel resolves the path and its links as os.WriteFile's open would), or, while the target does
// not exist, on the directory it will be created in (see lockCreation).
type heldLock struct {
	f        *os.File  // the target, locked; nil while it does not exist
	creation *dirShare // while it does not exist: this call's share of its directory's lock
	base     string    // and its name in that directory
}

// lockFile takes the lock of the file name in mode. Waiting on a file that is then replaced (the
// previous holder renamed its new version over it) ends with a lock on a file no longer at the
// path: that lock is dropped and the one at the path taken instead, until the locked file is the
// one the path names. While name does not exist, the lock is on its directory (made first if o
// asks for it, and only in exclusive mode); once the lock is held name must still be missing, or
// the file that appeared is locked instead.
func lockFile(name string, _ fs.FileMode, mode lockMode, o *options, w *lockWait) (*heldLock, error) {
	how := syscall.LOCK_EX
	if mode == shared {
		how = syscall.LOCK_SH
	}
	for {
		f, err := openTarget(name)
		if errors.Is(err, fs.ErrNotExist) {
			l, err := lockCreation(name, mode, mode == exclusive && o.mkdirAll, o, w)
			if l != nil || err != nil {
				return l, err
			}
			continue // name appeared meanwhile
		}
		if err != nil {
			return nil, fail("open", name, name, err)
		}
		if err := w.acquire(tryFlock(f, how), blockFlock(f, how)); err != nil {
			f.Close()
			return nil, fail("lock", name, name, err)
		}
		same, err := stillAt(f, name)
		if err != nil {
			f.Close()
			return nil, fail("lock", name, name, err)
		}
		if same {
			return &heldLock{f: f}, nil
		}
		f.Close() // replaced or removed while we waited: lock what the path names now
	}
}

// openTarget opens the existing file name for reading and locking. O_NONBLOCK keeps the open of
// a FIFO from waiting for a writer; anything but a regular file is refused as the writes refuse
// it.
func openTarget(name string) (*os.File, error) {
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	switch {
	case err != nil:
	case fi.IsDir():
		err = &fs.PathError{Op: "open", Path: name, Err: syscall.EISDIR}
	case !fi.Mode().IsRegular():
		err = &fs.PathError{Op: "open", Path: name, Err: ErrNotRegular}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// creationDir returns the directory in which a write of the missing file name creates it, and
// the name it gets there: name's own directory and base name, or, if name is a dangling symbolic
// link (or a chain of them), those of the file the last link names. The paths are handed to the
// kernel as they are, never cleaned, so that a ".." after a linked directory climbs out of the
// real one, as the kernel's open does. It returns an error matching fs.ErrExist if the file turns
// out to exist.
func creationDir(name string) (dir, base string, err error) {
	if strings.HasSuffix(name, "/") {
		return "", "", &fs.PathError{Op: "open", Path: name, Err: syscall.EISDIR}
	}
	path := name
	for range maxLinks {
		fi, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return parentDir(path), path[strings.LastIndexByte(path, '/')+1:], nil
		}
		if err != nil {
			return "", "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return "", "", fs.ErrExist
		}
		dest, err := os.Readlink(path)
		if err != nil {
			return "", "", err
		}
		if !strings.HasPrefix(dest, "/") {
			dest = parentDir(path) + "/" + dest
		}
		path = dest
	}
	return "", "", &fs.PathError{Op: "open", Path: name, Err: syscall.ELOOP}
}

// parentDir is path without its last element, as the kernel sees it (no cleaning).
func parentDir(path string) string {
	i := strings.LastIndexByte(path, '/')
	switch {
	case i < 0:
		return "."
	case i == 0:
		return "/"
	}
	return path[:i]
}

// stillAt reports whether the open file f is the one path names now.
func stillAt(f *os.File, path string) (bool, error) {
	locked, err := f.Stat()
	if err != nil {
		return false, err
	}
	now, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return os.SameFile(locked, now), nil
}

func tryFlock(f *os.File, how int) func() (bool, error) {
	return func() (bool, error) {
		err := ignoringEINTR(func() error { return syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB) })
		if err == syscall.EWOULDBLOCK {
			return false, nil
		}
		return err == nil, err
	}
}

func blockFlock(f *os.File, how int) func() error {
	return func() error {
		return ignoringEINTR(func() error { return syscall.Flock(int(f.Fd()), how) })
	}
}

// content returns what the locked file holds: nil while it does not exist.
func (l *heldLock) content() ([]byte, error) {
	if l.f == nil {
		return nil, nil
	}
	var buf bytes.Buffer
	if fi, err := l.f.Stat(); err == nil {
		buf.Grow(int(fi.Size()) + bytes.MinRead)
	} else {
		buf.Grow(bytes.MinRead)
	}
	if _, err := buf.ReadFrom(l.f); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// release unlocks: closing the only descriptor of the lock releases it.
func (l *heldLock) release() error {
	if l.creation != nil {
		return l.creation.leave(l.base)
	}
	return l.f.Close()
}
