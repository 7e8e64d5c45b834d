package atomicfs

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestFailuresLeaveTargetIntact provokes a failure at every step of a write, through the
// fault-injection seam (as root, permission bits cannot provoke them), for WriteFile and for
// Create/Commit, and checks that the old content survives, no temp file remains, and the error
// names the step and the target and carries the *fs.PathError and errno.
func TestFailuresLeaveTargetIntact(t *testing.T) {
	eio := syscall.EIO
	cases := []struct {
		name    string
		step    string
		inject  func(*fileOps)
		wantErr error // matched with errors.Is
	}{
		{"create temp refused", "create temp file for", func(o *fileOps) {
			o.openFile = func(d *directory, name string, flag int, perm fs.FileMode) (*os.File, error) {
				if flag&os.O_EXCL == 0 { // the target itself, which may be written
					return openFileAt(d, name, flag, perm)
				}
				return nil, &fs.PathError{Op: "open", Path: d.join(name), Err: syscall.EACCES}
			}
		}, fs.ErrPermission},
		{"disk full", "write", func(o *fileOps) {
			o.write = func(f *os.File, p []byte) (int, error) {
				n, _ := f.Write(p[:len(p)/2])
				return n, &fs.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
			}
		}, syscall.ENOSPC},
		{"short write", "write", func(o *fileOps) {
			o.write = func(f *os.File, p []byte) (int, error) { return f.Write(p[:len(p)-1]) }
		}, io.ErrShortWrite},
		{"fsync fails", "fsync", func(o *fileOps) {
			o.sync = func(f *os.File) error { return &fs.PathError{Op: "sync", Path: f.Name(), Err: eio} }
		}, syscall.EIO},
		{"read-back differs", "verify", func(o *fileOps) {
			o.readAt = func(f *os.File, p []byte, off int64) (int, error) {
				n, err := f.ReadAt(p, off)
				if n > 0 {
					p[n/2] ^= 0x20 // one flipped bit, as a bad disk or driver would return it
				}
				return n, err
			}
		}, ErrVerify},
		{"read-back short", "verify", func(o *fileOps) {
			o.readAt = func(f *os.File, p []byte, off int64) (int, error) {
				if off > 0 {
					return 0, io.EOF
				}
				n, _ := f.ReadAt(p[:min(len(p), 3)], off)
				return n, io.EOF
			}
		}, ErrVerify},
		{"read-back long", "verify", func(o *fileOps) {
			o.readAt = func(f *os.File, p []byte, off int64) (int, error) {
				n, err := f.ReadAt(p, off)
				if err == io.EOF && n < len(p) {
					p[n] = '!' // a byte beyond what was written
					return n + 1, io.EOF
				}
				return n, err
			}
		}, ErrVerify},
		{"read-back error", "verify", func(o *fileOps) {
			o.readAt = func(f *os.File, p []byte, off int64) (int, error) {
				return 0, &fs.PathError{Op: "read", Path: f.Name(), Err: eio}
			}
		}, syscall.EIO},
		{"rename refused", "rename", func(o *fileOps) {
			o.rename = func(d *directory, oldpath, newpath string) error {
				return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: syscall.EXDEV}
			}
		}, syscall.EXDEV},
	}
	writers := []struct {
		name  string
		write func(name string, data []byte) error
	}{
		{"WriteFile", func(name string, data []byte) error { return WriteFile(name, data, 0o644) }},
		{"WriteJSON", func(name string, data []byte) error { return WriteJSON(name, string(data), 0o644) }},
		{"Create", func(name string, data []byte) error {
			f, err := Create(name, 0o644)
			if err != nil {
				return err
			}
			defer f.Close()
			// Two writes, so that the hash covers more than one piece.
			if _, err := f.Write(data[:10]); err != nil {
				return err
			}
			if _, err := f.WriteString(string(data[10:])); err != nil {
				return err
			}
			return f.Commit()
		}},
	}
	for _, w := range writers {
		for _, c := range cases {
			t.Run(w.name+"/"+c.name, func(t *testing.T) {
				dir := t.TempDir()
				target := filepath.Join(dir, "state.json")
				old := []byte(`{"version":"old"}`)
				writeRaw(t, target, old, 0o644)
				withOps(t, c.inject)

				err := w.write(target, []byte(strings.Repeat("new content ", 1000)))

				wantStepError(t, err, c.step, target)
				if !errors.Is(err, c.wantErr) {
					t.Errorf("errors.Is(%q, %v) = false", err, c.wantErr)
				}
				wantContent(t, target, old)
				wantNoTemps(t, dir)
			})
		}
	}
}

// TestFsyncFailureIsNotRetried checks that a failed fsync poisons the temp file: no second fsync,
// no rename.
func TestFsyncFailureIsNotRetried(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "x")
	syncs, renames := 0, 0
	withOps(t, func(o *fileOps) {
		o.sync = func(f *os.File) error { syncs++; return syscall.EIO }
		o.rename = func(d *directory, oldpath, newpath string) error { renames++; return renameAt(d, oldpath, newpath) }
	})
	if err := WriteFile(target, []byte("data"), 0o644); !errors.Is(err, syscall.EIO) {
		t.Fatalf("got %v, want EIO", err)
	}
	if syncs != 1 || renames != 0 {
		t.Errorf("fsync called %d times and rename %d times, want 1 and 0", syncs, renames)
	}
	if _, err := os.Lstat(target); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("target exists after a failed write: %v", err)
	}
	wantNoTemps(t, dir)
}

// TestDirSyncFailure: the rename happened, so the new content is in place, but the caller learns
// that its durability is unknown.
func TestDirSyncFailure(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "x")
	withOps(t, func(o *fileOps) {
		o.syncDir = func(d *directory, f *os.File) error {
			return &fs.PathError{Op: "fsync", Path: d.path, Err: syscall.EIO}
		}
	})
	err := WriteFile(target, []byte("new"), 0o644)
	pe := wantStepError(t, err, "fsync directory of", target)
	if pe.Path != dir || !errors.Is(err, syscall.EIO) {
		t.Errorf("PathError %v, want one on %s with EIO", pe, dir)
	}
	wantContent(t, target, []byte("new"))
	wantNoTemps(t, dir)
}

// TestWithoutVerifyAndSync checks that the options really skip the read-back and the fsyncs.
func TestWithoutVerifyAndSync(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "x")
	withOps(t, func(o *fileOps) {
		o.readAt = func(*os.File, []byte, int64) (int, error) {
			t.Error("read back despite WithoutVerify")
			return 0, io.EOF
		}
		o.sync = func(*os.File) error { t.Error("fsync despite WithoutSync"); return nil }
		o.syncDir = func(*directory, *os.File) error { t.Error("directory fsync despite WithoutSync"); return nil }
	})
	if err := WriteFile(target, []byte("data"), 0o644, WithoutVerify(), WithoutSync()); err != nil {
		t.Fatal(err)
	}
	wantContent(t, target, []byte("data"))
}
