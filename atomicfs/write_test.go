package atomicfs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestWriteFileCreatesAndReplaces(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "config.json")
	for _, data := range [][]byte{[]byte(`{"a":1}`), []byte(`{"a":2,"b":[1,2,3]}`), {}, []byte("x")} {
		if err := WriteFile(target, data, 0o644); err != nil {
			t.Fatal(err)
		}
		wantContent(t, target, data)
		wantNoTemps(t, dir)
	}
}

// TestWriteFileErrors covers the failures that need no fault injection: each names the step and
// the target, carries an *fs.PathError and leaves nothing behind.
func TestWriteFileErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	writeRaw(t, file, []byte("old"), 0o644)
	cases := []struct {
		name, target, step string
		want               error
	}{
		{"empty name", "", "open", fs.ErrNotExist},
		{"name is a directory", dir, "open", syscall.EISDIR},
		{"trailing slash", filepath.Join(dir, "new") + "/", "open", syscall.EISDIR},
		{"missing parent", filepath.Join(dir, "missing", "x.json"), "open", fs.ErrNotExist},
		{"parent is a file", filepath.Join(file, "x.json"), "open", syscall.ENOTDIR},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := WriteFile(c.target, []byte("new"), 0o644)
			wantStepError(t, err, c.step, c.target)
			if !errors.Is(err, c.want) {
				t.Errorf("errors.Is(%q, %v) = false", err, c.want)
			}
			wantContent(t, file, []byte("old"))
			wantNoTemps(t, dir)
			if _, err := os.Stat(filepath.Join(dir, "missing")); err == nil {
				t.Error("a missing parent was created without WithMkdirAll")
			}
		})
	}
}

// TestReadOnlyDirectory: a directory the process may not write to. Root ignores permission bits,
// so as root the refusal comes through the seam; otherwise the directory is really read-only.
func TestReadOnlyDirectory(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "x.json")
	writeRaw(t, target, []byte("old"), 0o644)
	if os.Geteuid() == 0 {
		withOps(t, func(o *fileOps) {
			o.openFile = func(d *directory, name string, flag int, perm fs.FileMode) (*os.File, error) {
				if flag&os.O_EXCL == 0 { // the target itself, which may be written
					return openFileAt(d, name, flag, perm)
				}
				return nil, &fs.PathError{Op: "open", Path: d.join(name), Err: syscall.EACCES}
			}
		})
	} else {
		if err := os.Chmod(dir, 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o755) })
	}
	err := WriteFile(target, []byte("new"), 0o644)
	wantStepError(t, err, "create temp file for", target)
	if !errors.Is(err, fs.ErrPermission) {
		t.Errorf("errors.Is(%q, fs.ErrPermission) = false", err)
	}
	wantContent(t, target, []byte("old"))
	wantNoTemps(t, dir)
}

func TestWithMkdirAll(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "a", "b", "c", "x.json")
	var synced []string
	withOps(t, func(o *fileOps) {
		o.syncDir = func(d *directory, f *os.File) error { synced = append(synced, d.path); return syncDirAt(d, f) }
	})
	if err := WriteFile(target, []byte("x"), 0o644, WithMkdirAll(0o750)); err != nil {
		t.Fatal(err)
	}
	wantContent(t, target, []byte("x"))
	fi, err := os.Stat(filepath.Join(dir, "a", "b"))
	if err != nil || !fi.IsDir() {
		t.Fatalf("a/b: %v", err)
	}
	// Each new directory's parent, then the target's directory after the rename.
	want := []string{dir, filepath.Join(dir, "a"), filepath.Join(dir, "a", "b"), filepath.Join(dir, "a", "b", "c")}
	if strings.Join(synced, "\n") != strings.Join(want, "\n") {
		t.Errorf("synced directories\n%s\nwant\n%s", strings.Join(synced, "\n"), strings.Join(want, "\n"))
	}
}

func TestTempFileNames(t *testing.T) {
	dir := t.TempDir()
	var temps []string
	withOps(t, func(o *fileOps) {
		o.rename = func(d *directory, oldpath, newpath string) error {
			temps = append(temps, d.join(oldpath))
			return renameAt(d, oldpath, newpath)
		}
	})
	target := filepath.Join(dir, "data.json")
	long := filepath.Join(dir, strings.Repeat("é", 127)) // 254 bytes: the temp name must be cut
	for range 3 {
		for _, name := range []string{target, long} {
			if err := WriteFile(name, []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	seen := map[string]bool{}
	for _, tmp := range temps {
		base := filepath.Base(tmp)
		if filepath.Dir(tmp) != dir || !IsTemp(base) || seen[tmp] || len(base) > 255 {
			t.Errorf("bad temp file name %s", tmp)
		}
		if !strings.HasPrefix(base, ".data.json.tmp-") && !strings.HasPrefix(base, ".é") {
			t.Errorf("temp name %s does not start with .<base>.tmp-", base)
		}
		seen[tmp] = true
	}
}

// TestConcurrentWriters: 16 goroutines replace one file with different versions; at the end it
// holds exactly one of them, complete, and no temp file is left.
func TestConcurrentWriters(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "shared.json")
	versions := make([][]byte, 16)
	for i := range versions {
		versions[i] = []byte(`{"writer":` + strings.Repeat(string(rune('a'+i)), 64<<10) + "}\n")
	}
	rounds := 5
	if testing.Short() {
		rounds = 2
	}
	errs := make(chan error, len(versions))
	for _, v := range versions {
		go func() {
			var err error
			for range rounds {
				if err = WriteFile(target, v, 0o644); err != nil {
					break
				}
			}
			errs <- err
		}()
	}
	for range versions {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	got, err := os.ReadFile(target)
	if err != nil {
		t.Fatal(err)
	}
	matches := 0
	for _, v := range versions {
		if string(got) == string(v) {
			matches++
		}
	}
	if matches != 1 {
		t.Errorf("the file (%d bytes) is not exactly one of the versions written", len(got))
	}
	wantNoTemps(t, dir)
}

// TestReadOnlyTarget: an existing file the process may not write is refused, as os.WriteFile
// refuses it, although the writable directory would let a rename replace it. Root may write
// anything, so as root the refusal comes through the seam; otherwise the file is really 0444.
func TestReadOnlyTarget(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "x.json")
	writeRaw(t, target, []byte("old"), 0o444)
	if os.Geteuid() == 0 {
		withOps(t, func(o *fileOps) {
			o.openFile = func(d *directory, name string, flag int, perm fs.FileMode) (*os.File, error) {
				if flag&os.O_EXCL == 0 { // the target, opened for the kernel's verdict
					return nil, &fs.PathError{Op: "open", Path: d.join(name), Err: syscall.EACCES}
				}
				return openFileAt(d, name, flag, perm)
			}
		})
	} else if err := os.WriteFile(target, []byte("new"), 0o644); !errors.Is(err, fs.ErrPermission) {
		t.Fatalf("os.WriteFile on a 0444 file: %v, want a permission error", err)
	}
	for _, write := range []func() error{
		func() error { return WriteFile(target, []byte("new"), 0o644) },
		func() error {
			return Update(target, 0o644, func(old []byte) ([]byte, error) { return []byte("new"), nil })
		},
	} {
		err := write()
		wantStepError(t, err, "open", target)
		if !errors.Is(err, fs.ErrPermission) {
			t.Errorf("errors.Is(%q, fs.ErrPermission) = false", err)
		}
		wantContent(t, target, []byte("old"))
		wantNoTemps(t, dir)
	}
}
