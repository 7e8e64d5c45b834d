//go:build unix

package atomicfs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
)

// holdLock takes the Update lock of target from outside atomicfs, as another process would (the
// file's own flock, or its directory's while it does not exist), until the test ends or release
// is called.
func holdLock(t *testing.T, target string) (release func()) {
	t.Helper()
	f, err := os.Open(target)
	if errors.Is(err, fs.ErrNotExist) {
		f, err = os.Open(filepath.Dir(target))
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatalf("taking the lock of %s: %v", target, err)
	}
	var once sync.Once
	release = func() { once.Do(func() { f.Close() }) }
	t.Cleanup(release)
	return release
}

// wantNoLockFile fails the test if a sidecar lock file exists for target: on Unix the lock is on
// the file itself.
func wantNoLockFile(t *testing.T, target string) {
	t.Helper()
	if _, err := os.Lstat(target + ".lock"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("%s.lock exists (%v): Update must lock the file itself", target, err)
	}
}
