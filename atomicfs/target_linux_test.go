package atomicfs

import (
	"errors"
	"io/fs"
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

// TestFailedResolutionKeepsNoDescriptor: a write that fails after following a link into another
// directory closes that directory too; a hundred such writes leave no descriptor open.
func TestFailedResolutionKeepsNoDescriptor(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "real"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeRaw(t, filepath.Join(dir, "real", "t.json"), []byte("old"), 0o644)
	link := filepath.Join(dir, "l.json")
	if err := os.Symlink("real/t.json", link); err != nil {
		t.Fatal(err)
	}
	withOps(t, func(o *fileOps) {
		o.openFile = func(d *directory, name string, flag int, perm fs.FileMode) (*os.File, error) {
			return nil, &fs.PathError{Op: "open", Path: d.join(name), Err: syscall.EACCES}
		}
	})
	before := openDescriptors(t)
	for range 100 {
		if err := WriteFile(link, []byte("new"), 0o644); !errors.Is(err, syscall.EACCES) {
			t.Fatalf("got %v, want EACCES", err)
		}
	}
	if after := openDescriptors(t); after > before {
		t.Errorf("%d descriptors open before 100 failed writes, %d after", before, after)
	}
}

func openDescriptors(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}
