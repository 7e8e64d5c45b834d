package atomicfs

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
)

// TestLinkToWhatIsNoFile: a link whose text names no path a write could replace — /proc's magic
// links, as /dev/stdout is one when standard output is a pipe — is judged by what the kernel
// reaches through it: a pipe is ErrNotRegular, a directory EISDIR; nothing is created anywhere.
func TestLinkToWhatIsNoFile(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	dir := t.TempDir()
	sub := t.TempDir()
	toPipe := filepath.Join(dir, "stdout.json")
	if err := os.Symlink("/proc/self/fd/"+strconv.Itoa(int(w.Fd())), toPipe); err != nil {
		t.Fatal(err)
	}
	toDir := filepath.Join(dir, "dir.json")
	if err := os.Symlink(sub, toDir); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		want error
	}{{toPipe, ErrNotRegular}, {toDir, syscall.EISDIR}} {
		err := WriteFile(c.name, []byte("x"), 0o644)
		wantStepError(t, err, "open", c.name)
		if !errors.Is(err, c.want) {
			t.Errorf("WriteFile(%s): %v, want %v", c.name, err, c.want)
		}
	}
	wantNoTemps(t, dir)
	wantNoTemps(t, sub)
	if entries, _ := os.ReadDir(sub); len(entries) != 0 {
		t.Errorf("%s gained %d entries", sub, len(entries))
	}
}
