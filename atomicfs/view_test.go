package atomicfs

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestView(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "x.json")
	var saw []byte
	record := func(data []byte) error { saw = data; return nil }

	if err := View(target, record); err != nil || saw != nil {
		t.Errorf("missing file: fn saw %q, error %v; want nil and no error", saw, err)
	}
	writeRaw(t, target, nil, 0o644)
	if err := View(target, record); err != nil || saw == nil || len(saw) != 0 {
		t.Errorf("empty file: fn saw %#v, error %v; want an empty non-nil slice", saw, err)
	}
	writeRaw(t, target, []byte(`{"n":1}`), 0o644)
	if err := View(target, record); err != nil || string(saw) != `{"n":1}` {
		t.Errorf("fn saw %q, error %v", saw, err)
	}

	errStop := errors.New("stop")
	err := View(target, func([]byte) error { return errStop })
	if !errors.Is(err, errStop) || err.Error() != "atomicfs: view "+target+": stop" {
		t.Errorf("got %v, want fn's error wrapped", err)
	}

	missingDir := filepath.Join(dir, "missing", "x")
	err = View(missingDir, record)
	wantStepError(t, err, "lock", missingDir)

	var stats []LockStats
	if err := View(target, record, WithLockStats(func(s LockStats) { stats = append(stats, s) })); err != nil || len(stats) != 1 || stats[0].Contended {
		t.Errorf("LockStats %+v, error %v; want one uncontended hold", stats, err)
	}
}

// TestViewLocking: a View and an Update of one file exclude each other (also while the file is
// missing and about to be created), two Views do not.
func TestViewLocking(t *testing.T) {
	dir := t.TempDir()
	short := WithLockTimeout(30 * time.Millisecond)
	long := WithLockTimeout(10 * time.Second)
	write := func([]byte) ([]byte, error) { return []byte("new"), nil }
	for _, exists := range []bool{true, false} {
		target := filepath.Join(dir, "x")
		if exists {
			writeRaw(t, target, []byte("old"), 0o644)
		} else {
			os.Remove(target)
		}
		err := View(target, func([]byte) error {
			if err := Update(target, 0o644, write, short); !errors.Is(err, ErrLockTimeout) {
				t.Errorf("exists=%v: Update during a View: got %v, want ErrLockTimeout", exists, err)
			}
			inner := View(target, func([]byte) error { return nil }, long)
			if inner != nil {
				t.Errorf("exists=%v: a View during a View: %v", exists, inner)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		err = Update(target, 0o644, func(old []byte) ([]byte, error) {
			if err := View(target, func([]byte) error { return nil }, short); !errors.Is(err, ErrLockTimeout) {
				t.Errorf("exists=%v: View during an Update: got %v, want ErrLockTimeout", exists, err)
			}
			return []byte("new"), nil
		})
		if err != nil {
			t.Fatal(err)
		}
		os.Remove(target)
	}
}
