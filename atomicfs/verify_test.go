package atomicfs

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The tests in this file inject, through the fault seam, each fault the package documentation
// says the default read-back catches, and each it says it does not, and check the outcome: a
// caught fault fails the write with ErrVerify at the "verify" step, the target keeps its old
// content and no temp file remains.

// verifyWriters are the ways of writing that verify: WriteFile (and Update, which writes as it
// does) compares the file with data, a File compares length and SHA-256 with those computed in
// Write, and each of them may read back from the storage (WithDeviceVerify) where the platform
// can.
func verifyWriters() []struct {
	name  string
	write func(name string, data []byte) error
} {
	ws := []struct {
		name  string
		write func(name string, data []byte) error
	}{
		{"WriteFile", func(name string, data []byte) error { return WriteFile(name, data, 0o644) }},
		{"Create", func(name string, data []byte) error { return createAndCommit(name, data) }},
		{"Update", func(name string, data []byte) error {
			return Update(name, 0o644, func([]byte) ([]byte, error) { return data, nil })
		}},
	}
	if deviceVerifySupported {
		ws = append(ws,
			struct {
				name  string
				write func(name string, data []byte) error
			}{"WriteFile+WithDeviceVerify", func(name string, data []byte) error {
				return WriteFile(name, data, 0o644, WithDeviceVerify())
			}},
			struct {
				name  string
				write func(name string, data []byte) error
			}{"Create+WithDeviceVerify", func(name string, data []byte) error {
				f, err := Create(name, 0o644, WithDeviceVerify())
				if err != nil {
					return err
				}
				defer f.Close()
				if _, err := f.Write(data); err != nil {
					return err
				}
				return f.Commit()
			}},
			struct {
				name  string
				write func(name string, data []byte) error
			}{"Update+WithDeviceVerify", func(name string, data []byte) error {
				return Update(name, 0o644, func([]byte) ([]byte, error) { return data, nil }, WithDeviceVerify())
			}})
	}
	return ws
}

// verifyData is the new content of the tests: 10 KiB, below the size from which the read-back
// runs beside the fsync, so that a fault injected in the fsync happens before the read-back.
var verifyData = bytes.Repeat([]byte("0123456789abcdef"), 640)

// wantCaught runs write with the fault in place and checks that the read-back caught it.
// The error must say one of wantMsgs.
func wantCaught(t *testing.T, write func(name string, data []byte) error, inject func(*fileOps), wantMsgs ...string) {
	t.Helper()
	dir := t.TempDir()
	target := filepath.Join(dir, "state.json")
	old := []byte(`{"version":"old"}`)
	writeRaw(t, target, old, 0o644)
	withOps(t, inject)

	err := write(target, bytes.Clone(verifyData))

	wantStepError(t, err, "verify", target)
	if !errors.Is(err, ErrVerify) {
		t.Fatalf("error %q does not match ErrVerify", err)
	}
	if !slices.ContainsFunc(wantMsgs, func(m string) bool { return strings.Contains(err.Error(), m) }) {
		t.Errorf("error %q says none of %q", err, wantMsgs)
	}
	wantContent(t, target, old)
	wantNoTemps(t, dir)
}

// TestVerifyCatchesWriteStoringFewerBytes: a write(2) that reports every byte written but
// stored fewer (a file-system or kernel bug; a short write that is reported is the "write"
// step's io.ErrShortWrite).
func TestVerifyCatchesWriteStoringFewerBytes(t *testing.T) {
	for _, w := range verifyWriters() {
		t.Run(w.name, func(t *testing.T) {
			wantCaught(t, w.write, func(o *fileOps) {
				o.write = func(f *os.File, p []byte) (int, error) {
					_, err := f.Write(p[:len(p)-7])
					return len(p), err
				}
			}, "read back")
		})
	}
}

// TestVerifyCatchesWriteStoringOtherBytes: a write(2) that reports success but stored a byte
// other than the one passed (a file-system, kernel or memory fault between the caller's buffer
// and the page cache).
func TestVerifyCatchesWriteStoringOtherBytes(t *testing.T) {
	for _, w := range verifyWriters() {
		t.Run(w.name, func(t *testing.T) {
			wantCaught(t, w.write, func(o *fileOps) {
				o.write = func(f *os.File, p []byte) (int, error) {
					c := bytes.Clone(p)
					c[len(c)/3] ^= 0x01
					return f.Write(c)
				}
			}, "differ")
		})
	}
}

// scribbleEnv tells the "scribble" child what to do to which file: "<mode>:<path>".
const scribbleEnv = "ATOMICFS_TEST_SCRIBBLE"

func init() {
	// scribble changes a file through a descriptor of its own, as another process with access to
	// a writer's temp file could: overwrite one byte, truncate it, or append to it.
	children["scribble"] = func() error {
		mode, path, _ := strings.Cut(os.Getenv(scribbleEnv), ":")
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			return err
		}
		defer f.Close()
		switch mode {
		case "overwrite":
			_, err = f.WriteAt([]byte("X"), 100)
		case "truncate":
			err = f.Truncate(100)
		case "append":
			_, err = f.WriteAt([]byte("more"), int64(len(verifyData)))
		default:
			err = fmt.Errorf("unknown scribble mode %q", mode)
		}
		return err
	}
}

// TestVerifyCatchesTempChangedByAnotherProcess: another process that opens the temp file and
// changes it between the write and the read-back (here: after the fsync) is caught — the
// overwritten byte, the truncation and the appended bytes alike. Under WithDeviceVerify the
// change is caught before the read-back: the pages it dirtied cannot be dropped.
func TestVerifyCatchesTempChangedByAnotherProcess(t *testing.T) {
	wrote := fmt.Sprint(len(verifyData)) // both lengths are in the message
	for _, mode := range []struct{ name, msg string }{
		{"overwrite", "differ"}, {"truncate", wrote}, {"append", wrote},
	} {
		for _, w := range verifyWriters() {
			msgs := []string{mode.msg}
			if strings.Contains(w.name, "WithDeviceVerify") {
				// The dirtied pages stay in memory — unless a sync(2) elsewhere on the machine
				// wrote them back first: then they are dropped and the device's read-back shows
				// the change. Caught either way.
				msgs = []string{"stayed in memory", mode.msg}
			}
			t.Run(mode.name+"/"+w.name, func(t *testing.T) {
				wantCaught(t, w.write, func(o *fileOps) {
					o.sync = func(f *os.File) error {
						err := f.Sync()
						runScribble(t, mode.name, tempIn(t, filepath.Dir(f.Name())))
						return err
					}
				}, msgs...)
			})
		}
	}
}

// tempIn returns the path of the one temp file in dir.
func tempIn(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var temps []string
	for _, e := range entries {
		if IsTemp(e.Name()) {
			temps = append(temps, filepath.Join(dir, e.Name()))
		}
	}
	if len(temps) != 1 {
		t.Fatalf("want one temp file in %s, found %q", dir, temps)
	}
	return temps[0]
}

// runScribble runs the scribble child on path.
func runScribble(t *testing.T, mode, path string) {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), childEnv+"=scribble", scribbleEnv+"="+mode+":"+path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("scribble %s %s: %v\n%s", mode, path, err, out)
	}
}

// TestVerifyCatchesFileBufferChangedDuringWrite: a File hashes the bytes when Write is called; a
// large Write goes to the file without a copy, so a caller that changes the buffer while Write
// runs (a data race; here the change is made inside the write system call's seam, before the
// bytes reach the file) commits nothing: the file no longer matches the hash.
func TestVerifyCatchesFileBufferChangedDuringWrite(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "state.json")
	writeRaw(t, target, []byte("old"), 0o644)
	withOps(t, func(o *fileOps) {
		o.write = func(f *os.File, p []byte) (int, error) {
			p[0] ^= 0x01 // the caller's own slice
			return f.Write(p)
		}
	})
	big := bytes.Repeat([]byte("x"), 2*fileBufSize)
	f, err := Create(target, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(big); err != nil {
		t.Fatal(err)
	}
	err = f.Commit()
	wantStepError(t, err, "verify", target)
	if !errors.Is(err, ErrVerify) || !strings.Contains(err.Error(), "SHA-256") {
		t.Fatalf("got %v, want a SHA-256 mismatch matching ErrVerify", err)
	}
	wantContent(t, target, []byte("old"))
	wantNoTemps(t, dir)
}

// TestFileSmallWriteCopies: what a File buffers it copies, so changing the buffer after Write
// returned changes nothing: the committed file holds the bytes as they were passed, and the
// verification agrees.
func TestFileSmallWriteCopies(t *testing.T) {
	target := filepath.Join(t.TempDir(), "state.json")
	f, err := Create(target, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := []byte(`{"a":1}`)
	if _, err := f.Write(b); err != nil {
		t.Fatal(err)
	}
	b[5] = '2'
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	wantContent(t, target, []byte(`{"a":1}`))
}

// TestWriteFileVerifiesDataAsItIsWhenCompared: WriteFile compares the file with data as data is
// at the comparison. A change to data after its bytes reached the file (a caller racing with
// WriteFile) is caught; a change before they reached it is not — the file then holds the changed
// bytes, which is also what data holds — and the documentation says so.
func TestWriteFileVerifiesDataAsItIsWhenCompared(t *testing.T) {
	t.Run("changed after it was stored: caught", func(t *testing.T) {
		wantCaught(t, func(name string, data []byte) error { return WriteFile(name, data, 0o644) },
			func(o *fileOps) {
				o.write = func(f *os.File, p []byte) (int, error) {
					n, err := f.Write(p)
					p[0] ^= 0x01
					return n, err
				}
			}, "differ")
	})
	t.Run("changed before it was stored: not caught", func(t *testing.T) {
		target := filepath.Join(t.TempDir(), "state.json")
		withOps(t, func(o *fileOps) {
			o.write = func(f *os.File, p []byte) (int, error) {
				p[0] = '!'
				return f.Write(p)
			}
		})
		data := bytes.Clone(verifyData)
		if err := WriteFile(target, data, 0o644); err != nil {
			t.Fatal(err)
		}
		want := bytes.Clone(verifyData)
		want[0] = '!'
		wantContent(t, target, want)
	})
}

// TestDeviceVerifyRefusedWithContradictions: WithDeviceVerify with WithoutVerify or WithoutSync
// fails before anything is opened, locked or written, and Update's fn is not called.
func TestDeviceVerifyRefusedWithContradictions(t *testing.T) {
	for _, c := range []struct {
		name string
		opt  Option
		msg  string
	}{
		{"WithoutVerify", WithoutVerify(), "contradict"},
		{"WithoutSync", WithoutSync(), "needs the fsync"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			target := filepath.Join(dir, "state.json")
			writeRaw(t, target, []byte("old"), 0o644)
			opens := 0
			withOps(t, func(o *fileOps) {
				open := o.openFile
				o.openFile = func(d *directory, name string, flag int, perm fs.FileMode) (*os.File, error) {
					opens++
					return open(d, name, flag, perm)
				}
			})
			for _, w := range []func() error{
				func() error { return WriteFile(target, []byte("new"), 0o644, WithDeviceVerify(), c.opt) },
				func() error {
					f, err := Create(target, 0o644, c.opt, WithDeviceVerify())
					if err == nil {
						f.Close()
					}
					return err
				},
				func() error {
					return Update(target, 0o644, func([]byte) ([]byte, error) {
						t.Error("Update called fn despite the refused options")
						return []byte("new"), nil
					}, WithDeviceVerify(), c.opt)
				},
			} {
				err := w()
				wantStepError(t, err, "options for", target)
				if !strings.Contains(err.Error(), c.msg) {
					t.Errorf("error %q does not say %q", err, c.msg)
				}
			}
			if opens != 0 {
				t.Errorf("%d files opened despite the refused options", opens)
			}
			wantContent(t, target, []byte("old"))
			wantNoTemps(t, dir)
		})
	}
}
