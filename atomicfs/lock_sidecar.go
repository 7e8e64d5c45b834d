//go:build !unix

package atomicfs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gofrs/flock"
)

// heldLock is a held Update lock: LockFileEx on the sidecar file next to the target. A file open
// there cannot be deleted or replaced (Go opens files without FILE_SHARE_DELETE), so the sidecar
// that a holder has locked stays the one at its path until it is released.
type heldLock struct {
	lk     *flock.Flock
	target string
}

// lockFile takes the lock of the file name in mode, on the sidecar lock file in name's directory
// (with symbolic links resolved, so that updates through different links to one file exclude
// each other), created with perm (minus the umask) and never removed.
func lockFile(name string, perm fs.FileMode, mode lockMode, o *options, w *lockWait) (*heldLock, error) {
	target := name
	if resolved, err := filepath.EvalSymlinks(name); err == nil {
		target = resolved
	}
	dir := filepath.Dir(target)
	path := filepath.Join(dir, lockFileName(filepath.Base(target)))
	lk := flock.New(path, flock.SetPermissions(perm))
	try, block := lk.TryLock, lk.Lock
	if mode == shared {
		try, block = lk.TryRLock, lk.RLock
	}
	err := w.acquire(try, block)
	if errors.Is(err, fs.ErrNotExist) && mode == exclusive && o.mkdirAll {
		if err := mkdirAll(dir, o.dirPerm, o.noSync); err != nil {
			return nil, fail("mkdir", name, dir, withoutDirSyncMark(err))
		}
		err = w.acquire(try, block)
	}
	if err != nil {
		lk.Close()
		return nil, fail("lock", name, path, err)
	}
	return &heldLock{lk: lk, target: target}, nil
}

// content returns what the target holds: nil if it does not exist.
func (l *heldLock) content() ([]byte, error) {
	data, err := os.ReadFile(l.target)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return data, err
}

// release unlocks and closes the sidecar.
func (l *heldLock) release() error { return l.lk.Unlock() }
