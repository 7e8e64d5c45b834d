package atomicfs

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/sys/unix"
)

// TestDiffComponentSwap writes d/t.json while another goroutine keeps exchanging d, atomically,
// between a real directory and a symbolic link to another directory (renameat2 RENAME_EXCHANGE:
// the name always exists). os.WriteFile opens the path once, so each write lands, whole, in the
// directory d named at that instant, and fails never. atomicfs must do the same: resolve d once
// and create, rename and fsync in that directory — never create the temp file in one directory
// and rename it in the other (an error, and a temp file left behind), never split a write.
func TestDiffComponentSwap(t *testing.T) {
	writes := 200
	if testing.Short() {
		writes = 50
	}
	for _, w := range []struct {
		name  string
		write func(name string, data []byte) error
	}{
		{diffStd, func(name string, data []byte) error { return os.WriteFile(name, data, 0o644) }},
		{diffWriteFile, func(name string, data []byte) error { return WriteFile(name, data, 0o644) }},
		{diffUpdate, func(name string, data []byte) error {
			return Update(name, 0o644, func([]byte) ([]byte, error) { return data, nil })
		}},
	} {
		t.Run(w.name, func(t *testing.T) {
			root := t.TempDir()
			real, other := filepath.Join(root, "real"), filepath.Join(root, "other")
			for _, d := range []string{real, other} {
				if err := os.Mkdir(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			d, swapped := filepath.Join(root, "d"), filepath.Join(root, "swapped")
			if err := os.Symlink("real", d); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink("other", swapped); err != nil {
				t.Fatal(err)
			}
			// d is a link too, so both names are links and the exchange never turns a directory
			// into a non-directory; what d names flips between real and other.
			var stop atomic.Bool
			var swaps atomic.Int64
			var wg sync.WaitGroup
			wg.Go(func() {
				for !stop.Load() {
					if err := unix.Renameat2(unix.AT_FDCWD, d, unix.AT_FDCWD, swapped, unix.RENAME_EXCHANGE); err != nil {
						t.Errorf("renameat2 RENAME_EXCHANGE: %v", err)
						return
					}
					swaps.Add(1)
				}
			})
			target := filepath.Join(d, "t.json")
			failed := 0
			for i := range writes {
				data := fmt.Appendf(nil, "version %d\n", i)
				if err := w.write(target, data); err != nil {
					if failed++; failed <= 3 {
						t.Errorf("write %d: %v", i, err)
					}
					continue
				}
				// The write landed whole in one of the two directories.
				a, _ := os.ReadFile(filepath.Join(real, "t.json"))
				b, _ := os.ReadFile(filepath.Join(other, "t.json"))
				if string(a) != string(data) && string(b) != string(data) {
					t.Errorf("write %d: neither real/t.json (%q) nor other/t.json (%q) holds it", i, a, b)
				}
			}
			stop.Store(true)
			wg.Wait()
			if failed > 0 {
				t.Errorf("%d of %d writes failed", failed, writes)
			}
			for _, dir := range []string{real, other} {
				wantNoTemps(t, dir)
			}
			t.Logf("%d writes, %d exchanges of d", writes, swaps.Load())
		})
	}
}
