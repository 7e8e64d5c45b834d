//go:build unix

package atomicfs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// setUmask sets the process umask for the rest of the test.
func setUmask(t *testing.T, mask int) {
	old := syscall.Umask(mask)
	t.Cleanup(func() { syscall.Umask(old) })
}

func modeOf(t *testing.T, path string) fs.FileMode {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode()
}

// TestPermissionsLikeOSWriteFile compares the mode of a file written by WriteFile with that of
// one written by os.WriteFile, for new and existing files and several umasks, and checks that the
// temp file is never more readable than the final file.
func TestPermissionsLikeOSWriteFile(t *testing.T) {
	cases := []struct {
		name     string
		umask    int
		existing fs.FileMode // 0: the file is new
		perm     fs.FileMode
		want     fs.FileMode
	}{
		{"new, umask 022", 0o022, 0, 0o666, 0o644},
		{"new, umask 077", 0o077, 0, 0o644, 0o600},
		{"new, umask 027", 0o027, 0, 0o666, 0o640},
		{"existing keeps its mode", 0o022, 0o600, 0o644, 0o600},
		{"existing mode the umask would cut", 0o077, 0o664, 0o600, 0o664},
		{"existing setuid and sticky", 0o022, 0o755 | fs.ModeSetuid | fs.ModeSticky, 0o644, 0o755 | fs.ModeSetuid | fs.ModeSticky},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			setUmask(t, c.umask)
			dir := t.TempDir()
			ours, theirs := filepath.Join(dir, "ours"), filepath.Join(dir, "theirs")
			if c.existing != 0 {
				for _, p := range []string{ours, theirs} {
					writeRaw(t, p, []byte("old"), 0o600)
					if err := os.Chmod(p, c.existing); err != nil {
						t.Fatal(err)
					}
				}
			}
			var tempModes []fs.FileMode
			withOps(t, func(o *fileOps) {
				o.openFile = func(d *directory, name string, flag int, perm fs.FileMode) (*os.File, error) {
					f, err := openFileAt(d, name, flag, perm)
					if err == nil {
						tempModes = append(tempModes, modeOf(t, d.join(name)))
					}
					return f, err
				}
			})
			if err := WriteFile(ours, []byte("new"), c.perm); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(theirs, []byte("new"), c.perm); err != nil {
				t.Fatal(err)
			}
			got := modeOf(t, ours)
			if got != c.want {
				t.Errorf("mode %v, want %v (os.WriteFile: %v)", got, c.want, modeOf(t, theirs))
			}
			// A write by anyone but root clears the set-user-ID bit (the kernel does it), so
			// os.WriteFile is only the reference for the plain permission bits.
			if c.existing&fs.ModeSetuid == 0 && got != modeOf(t, theirs) {
				t.Errorf("mode %v, os.WriteFile gives %v", got, modeOf(t, theirs))
			}
			for _, m := range tempModes {
				if m.Perm()&^got.Perm() != 0 {
					t.Errorf("temp file created with %v, more readable than the final %v", m, got)
				}
			}
		})
	}
}

// TestOwnerKept: an existing file keeps its owner and group when the process may set them (as
// root, any; otherwise its own).
func TestOwnerKept(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "owned")
	writeRaw(t, target, []byte("old"), 0o640)
	uid, gid := os.Geteuid(), os.Getegid()
	if uid == 0 {
		uid, gid = 4321, 8765
		if err := os.Chown(target, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	if err := WriteFile(target, []byte("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(target)
	if err != nil {
		t.Fatal(err)
	}
	sys := st.Sys().(*syscall.Stat_t)
	if int(sys.Uid) != uid || int(sys.Gid) != gid || st.Mode().Perm() != 0o640 {
		t.Errorf("owner %d:%d mode %v, want %d:%d and 0640", sys.Uid, sys.Gid, st.Mode(), uid, gid)
	}
	wantContent(t, target, []byte("new"))
}

// TestSymlinks: writing through a link replaces the file it points to and keeps the link a link,
// as os.WriteFile does — through chains, relative links in linked directories and dangling links.
func TestSymlinks(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	other := filepath.Join(dir, "other")
	for _, d := range []string{real, other} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	symlink := func(oldname, newname string) {
		t.Helper()
		if err := os.Symlink(oldname, newname); err != nil {
			t.Fatal(err)
		}
	}
	writeRaw(t, filepath.Join(real, "config.json"), []byte("old"), 0o600)
	symlink(filepath.Join(real, "config.json"), filepath.Join(other, "abs")) // absolute
	symlink("../real/config.json", filepath.Join(other, "rel"))              // relative
	symlink("rel", filepath.Join(other, "chain"))                            // chain of two
	symlink(filepath.Join(dir, "other"), filepath.Join(dir, "linkdir"))      // a linked directory,
	symlink("../real/missing.json", filepath.Join(other, "dangling"))        // a dangling link
	symlink("loop2", filepath.Join(other, "loop1"))                          // and a loop
	symlink("loop1", filepath.Join(other, "loop2"))

	for i, name := range []string{"abs", "rel", "chain"} {
		for _, via := range []string{other, filepath.Join(dir, "linkdir")} {
			link := filepath.Join(via, name)
			data := []byte{byte('a' + i)}
			if err := WriteFile(link, data, 0o644); err != nil {
				t.Fatal(err)
			}
			if modeOf(t, link)&fs.ModeSymlink == 0 {
				t.Fatalf("%s is no longer a symbolic link", link)
			}
			wantContent(t, filepath.Join(real, "config.json"), data)
			if m := modeOf(t, filepath.Join(real, "config.json")); m != 0o600 {
				t.Errorf("target mode %v, want 0600 kept", m)
			}
			wantNoTemps(t, real)
			wantNoTemps(t, other)
		}
	}

	// Updates through links update the file itself (TestLockThroughLinks: they share its lock).
	for _, link := range []string{filepath.Join(other, "abs"), filepath.Join(other, "chain")} {
		if err := Update(link, 0o644, func(old []byte) ([]byte, error) { return append(old, '+'), nil }); err != nil {
			t.Fatal(err)
		}
	}
	wantContent(t, filepath.Join(real, "config.json"), []byte("c++"))
	wantNoLockFile(t, filepath.Join(real, "config.json"))
	wantNoLockFile(t, filepath.Join(other, "abs"))

	dangling := filepath.Join(other, "dangling")
	if err := WriteFile(dangling, []byte("created"), 0o644); err != nil {
		t.Fatal(err)
	}
	if modeOf(t, dangling)&fs.ModeSymlink == 0 {
		t.Fatal("the dangling link was replaced")
	}
	wantContent(t, filepath.Join(real, "missing.json"), []byte("created"))

	err := WriteFile(filepath.Join(other, "loop1"), []byte("x"), 0o644)
	wantStepError(t, err, "open", filepath.Join(other, "loop1"))
	if !errors.Is(err, syscall.ELOOP) {
		t.Errorf("a link loop gave %v, want ELOOP", err)
	}
}

// TestNotRegular: a FIFO (like a device) is refused, not replaced by a regular file.
func TestNotRegular(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	err := WriteFile(fifo, []byte("x"), 0o644)
	wantStepError(t, err, "open", fifo)
	if !errors.Is(err, ErrNotRegular) {
		t.Errorf("got %v, want ErrNotRegular", err)
	}
	if modeOf(t, fifo)&fs.ModeNamedPipe == 0 {
		t.Error("the FIFO was replaced")
	}
	wantNoTemps(t, filepath.Dir(fifo))
}
