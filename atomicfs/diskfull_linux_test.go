package atomicfs

import (
	"bytes"
	"errors"
	"path/filepath"
	"syscall"
	"testing"
)

// TestDiskFull fills a real 64 KiB tmpfs: the write fails with ENOSPC, the old content survives
// and the temp file is gone, freeing the space. Mounting needs CAP_SYS_ADMIN; without it the test
// skips (TestFailuresLeaveTargetIntact covers disk full through the seam either way).
func TestDiskFull(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=64k,mode=0755"); err != nil {
		t.Skipf("cannot mount a tmpfs to fill (%v); disk full is covered through the fault seam", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmounting the tmpfs %s: %v", dir, err)
		}
	})
	target := filepath.Join(dir, "state.json")
	old := bytes.Repeat([]byte("o"), 16<<10)
	if err := WriteFile(target, old, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, write := range []func() error{
		func() error { return WriteFile(target, bytes.Repeat([]byte("n"), 128<<10), 0o644) },
		func() error {
			f, err := Create(target, 0o644)
			if err != nil {
				return err
			}
			defer f.Close()
			for range 128 {
				if _, err := f.Write(bytes.Repeat([]byte("n"), 1<<10)); err != nil {
					return err
				}
			}
			return f.Commit()
		},
	} {
		err := write()
		wantStepError(t, err, "write", target)
		if !errors.Is(err, syscall.ENOSPC) {
			t.Errorf("got %v, want ENOSPC", err)
		}
		wantContent(t, target, old)
		wantNoTemps(t, dir)
	}
	// The space is free again: a write that fits succeeds.
	if err := WriteFile(target, []byte("fits"), 0o644); err != nil {
		t.Fatal(err)
	}
}
