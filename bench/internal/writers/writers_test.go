package writers

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/atomicjson/atomicjson/bench/internal/payload"
)

// Every contender must create and then replace the target with exactly the
// bytes given, leaving nothing else behind in the directory: a contender
// that wrote less, or littered temp files, would make its timing a lie.
func TestContendersWriteExactly(t *testing.T) {
	for _, w := range All() {
		t.Run(w.Name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "doc.json")
			for _, size := range []int{64 << 10, 1 << 10} { // create, then replace with less
				data := payload.JSON(size)
				if err := w.Write(path, data); err != nil {
					t.Fatal(err)
				}
				if err := Check(path, data); err != nil {
					t.Fatal(err)
				}
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 1 {
				var names []string
				for _, e := range entries {
					names = append(names, e.Name())
				}
				t.Errorf("directory holds %q, want only doc.json", names)
			}
		})
	}
}

func TestFloorIsFirstAndGuaranteesAreHonest(t *testing.T) {
	all := All()
	if all[0].Name != Floor {
		t.Fatalf("first contender is %q, want the floor", all[0].Name)
	}
	for _, w := range all {
		g := w.Guarantees
		if g.DurableRename && !g.Atomic {
			t.Errorf("%s: a durable rename without an atomic write makes no sense", w.Name)
		}
	}
}
