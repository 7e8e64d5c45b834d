//go:build !unix

package atomicfs

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/gofrs/flock"
)

// holdLock takes the Update lock of target from outside atomicfs (its sidecar lock file) until
// the test ends or release is called.
func holdLock(t *testing.T, target string) (release func()) {
	t.Helper()
	lk := flock.New(filepath.Join(filepath.Dir(target), lockFileName(filepath.Base(target))))
	if ok, err := lk.TryLock(); !ok || err != nil {
		t.Fatalf("taking the lock: %v %v", ok, err)
	}
	var once sync.Once
	release = func() { once.Do(func() { lk.Unlock() }) }
	t.Cleanup(release)
	return release
}

// wantNoLockFile checks the opposite here: on this platform the lock is a sidecar file, which
// must exist after an Update.
func wantNoLockFile(t *testing.T, target string) {
	if _, err := os.Stat(filepath.Join(filepath.Dir(target), lockFileName(filepath.Base(target)))); err != nil {
		t.Errorf("the sidecar lock file is missing: %v", err)
	}
}
