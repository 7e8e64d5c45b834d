package atomicfs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"syscall"
	"testing"
)

// recordDirSyncs makes the directory fsyncs go through a recorder for the rest of the test and
// returns the directories synced so far. failOn, if not empty, is a directory whose fsync fails
// with EIO.
func recordDirSyncs(t *testing.T, failOn string) *[]string {
	t.Helper()
	var synced []string
	withOps(t, func(o *fileOps) {
		real := o.syncDir
		o.syncDir = func(d *directory, f *os.File) error {
			synced = append(synced, d.path)
			if d.path == failOn {
				return &fs.PathError{Op: "fsync", Path: d.path, Err: syscall.EIO}
			}
			return real(d, f)
		}
	})
	return &synced
}

func TestSyncDir(t *testing.T) {
	dir := t.TempDir()
	synced := recordDirSyncs(t, "")
	if err := SyncDir(dir); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(*synced, []string{dir}) {
		t.Errorf("synced %q, want %q", *synced, dir)
	}
	missing := filepath.Join(dir, "missing")
	err := SyncDir(missing)
	if runtime.GOOS == "windows" {
		return // nothing to sync there, so nothing fails
	}
	pe := wantStepError(t, err, "fsync directory", missing)
	if pe.Path != missing || !errors.Is(err, fs.ErrNotExist) || errors.Is(err, ErrDirSync) {
		t.Errorf("got %v (PathError %+v), want ENOENT on %s, not ErrDirSync", err, pe, missing)
	}
}

func TestMkdirAll(t *testing.T) {
	dir := t.TempDir()
	synced := recordDirSyncs(t, "")
	deep := filepath.Join(dir, "a", "b", "c")
	if err := MkdirAll(deep, 0o750); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(deep); err != nil || !fi.IsDir() {
		t.Fatalf("%s not created: %v", deep, err)
	}
	// Each new directory's entry lives in its parent: the parents are synced, outermost first.
	want := []string{dir, filepath.Join(dir, "a"), filepath.Join(dir, "a", "b")}
	if !slices.Equal(*synced, want) {
		t.Errorf("synced %q, want %q", *synced, want)
	}
	if err := MkdirAll(deep, 0o750); err != nil {
		t.Errorf("existing directory: %v", err)
	}
	file := filepath.Join(dir, "file")
	writeRaw(t, file, nil, 0o644)
	err := MkdirAll(filepath.Join(file, "sub"), 0o750)
	wantStepError(t, err, "mkdir", filepath.Join(file, "sub"))
	if !errors.Is(err, syscall.ENOTDIR) {
		t.Errorf("got %v, want ENOTDIR", err)
	}
}

func TestMkdirAllDirSyncFailure(t *testing.T) {
	dir := t.TempDir()
	recordDirSyncs(t, dir)
	err := MkdirAll(filepath.Join(dir, "new"), 0o755)
	if !errors.Is(err, ErrDirSync) || !errors.Is(err, syscall.EIO) {
		t.Fatalf("got %v, want ErrDirSync and EIO", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "new")); err != nil {
		t.Errorf("the directory should exist, only its durability is unknown: %v", err)
	}
	// A write that needed the directory gives up; its error must not claim the write was done.
	target := filepath.Join(dir, "other", "x")
	err = WriteFile(target, []byte("data"), 0o644, WithMkdirAll(0o755))
	wantStepError(t, err, "mkdir", target)
	if errors.Is(err, ErrDirSync) || !errors.Is(err, syscall.EIO) {
		t.Errorf("got %v, want EIO without ErrDirSync: nothing was written", err)
	}
}

func TestRename(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	a, b, c := filepath.Join(dir, "a"), filepath.Join(dir, "b"), filepath.Join(sub, "c")
	writeRaw(t, a, []byte("A"), 0o644)
	writeRaw(t, b, []byte("B"), 0o644)
	synced := recordDirSyncs(t, "")

	// Within one directory: it is synced once.
	if err := Rename(a, b); err != nil {
		t.Fatal(err)
	}
	wantContent(t, b, []byte("A"))
	if _, err := os.Lstat(a); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("old name still there: %v", err)
	}
	if !slices.Equal(*synced, []string{dir}) {
		t.Errorf("synced %q, want %q", *synced, dir)
	}

	// Across directories: the new one first, then the old one.
	*synced = nil
	if err := Rename(b, c); err != nil {
		t.Fatal(err)
	}
	wantContent(t, c, []byte("A"))
	if want := []string{sub, dir}; !slices.Equal(*synced, want) {
		t.Errorf("synced %q, want %q", *synced, want)
	}

	// A failure is os.Rename's, with its *os.LinkError; nothing is synced.
	*synced = nil
	missing := filepath.Join(dir, "missing")
	err := Rename(missing, b)
	var le *os.LinkError
	if !errors.As(err, &le) || !errors.Is(err, fs.ErrNotExist) || errors.Is(err, ErrDirSync) {
		t.Errorf("got %v, want os.Rename's *os.LinkError with ENOENT", err)
	}
	if want := fmt.Sprintf("atomicfs: rename %s %s: ", missing, b); err == nil || err.Error()[:min(len(err.Error()), len(want))] != want {
		t.Errorf("error %q does not start with %q", err, want)
	}
	if len(*synced) != 0 {
		t.Errorf("synced %q after a failed rename", *synced)
	}
}

func TestRenameDirSyncFailure(t *testing.T) {
	dir, other := t.TempDir(), t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(other, "b")
	writeRaw(t, a, []byte("A"), 0o644)
	recordDirSyncs(t, dir) // the old name's directory, synced second
	err := Rename(a, b)
	pe := wantStepError(t, err, "fsync directory of", a)
	if pe.Path != dir || !errors.Is(err, ErrDirSync) || !errors.Is(err, syscall.EIO) {
		t.Errorf("got %v (PathError %+v), want ErrDirSync with EIO on %s", err, pe, dir)
	}
	wantContent(t, b, []byte("A")) // the rename itself was done
}

func TestRemove(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "x")
	writeRaw(t, name, []byte("x"), 0o644)
	synced := recordDirSyncs(t, "")
	if err := Remove(name); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(name); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("still there: %v", err)
	}
	if !slices.Equal(*synced, []string{dir}) {
		t.Errorf("synced %q, want %q", *synced, dir)
	}
	*synced = nil
	err := Remove(name)
	wantStepError(t, err, "remove", name)
	if !errors.Is(err, fs.ErrNotExist) || len(*synced) != 0 {
		t.Errorf("got %v and synced %q, want ENOENT and no fsync", err, *synced)
	}

	writeRaw(t, name, []byte("x"), 0o644)
	recordDirSyncs(t, dir)
	err = Remove(name)
	wantStepError(t, err, "fsync directory of", name)
	if !errors.Is(err, ErrDirSync) || !errors.Is(err, syscall.EIO) {
		t.Errorf("got %v, want ErrDirSync and EIO", err)
	}
	if _, err := os.Lstat(name); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the removal was done, only its durability is unknown: %v", err)
	}
}

func TestWriteDirSyncFailureMatchesErrDirSync(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "x")
	recordDirSyncs(t, dir)
	for _, write := range []struct {
		name string
		do   func() error
	}{
		{"WriteFile", func() error { return WriteFile(target, []byte("1"), 0o644) }},
		{"WriteJSON", func() error { return WriteJSON(target, 2, 0o644) }},
		{"Update", func() error { return Update(target, 0o644, func([]byte) ([]byte, error) { return []byte("3"), nil }) }},
		{"Commit", func() error {
			f, err := Create(target, 0o644)
			if err != nil {
				return err
			}
			defer f.Close()
			f.WriteString("4")
			return f.Commit()
		}},
	} {
		err := write.do()
		if !errors.Is(err, ErrDirSync) || !errors.Is(err, syscall.EIO) {
			t.Errorf("%s: got %v, want ErrDirSync and EIO", write.name, err)
		}
	}
	wantContent(t, target, []byte("4"))
}
