package publisher

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/atomicjson/atomicjson/atomicfs"
)

// fileState is what Verify must leave as it is: every entry's kind, bytes and modification time.
type fileState struct {
	mode  fs.FileMode
	mtime time.Time
	data  []byte
}

func snapshot(t *testing.T, root string) map[string]fileState {
	t.Helper()
	out := map[string]fileState{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		st := fileState{mode: fi.Mode(), mtime: fi.ModTime()}
		if fi.Mode().IsRegular() {
			if st.data, err = os.ReadFile(path); err != nil {
				return err
			}
		}
		out[path[len(root):]] = st
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func compareSnapshots(t *testing.T, before, after map[string]fileState) {
	t.Helper()
	for name, b := range before {
		a, ok := after[name]
		switch {
		case !ok:
			t.Errorf("%s disappeared", name)
		case a.mode != b.mode || !a.mtime.Equal(b.mtime) || !bytes.Equal(a.data, b.data):
			t.Errorf("%s changed: mode %v→%v, mtime %v→%v, %d→%d bytes", name, b.mode, a.mode, b.mtime, a.mtime, len(b.data), len(a.data))
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok {
			t.Errorf("%s appeared", name)
		}
	}
}

// needRoot skips a test that needs root, except under CI=true, where it fails.
func needRoot(t *testing.T, what string) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s needs root, and CI=true runs as root", what)
	}
	t.Skipf("%s needs root: skipping", what)
}

// populated returns a store with posts, a backup, topics, both metrics files, and one leftover
// temp file for Verify to find.
func populated(t *testing.T) *Store {
	t.Helper()
	st := newStore(t)
	seed(t, st)
	mustPublish(t, st, post("alpha", "go", "alpha body, updated"))
	if err := st.Unpublish(context.Background(), "beta"); err != nil {
		t.Fatal(err)
	}
	must(t, atomicfs.WriteFile(st.abs(PostsDir+"/.gamma.json.tmp-0123456789ab"), []byte(`{"sl`), 0o644))
	return st
}

// TestVerifyReadOnlyBindMount verifies a root through a read-only bind mount of it: Verify checks
// it completely (it finds the leftover temp file and counts the posts), and no file's bytes or
// modification time change, nor does any file appear.
func TestVerifyReadOnlyBindMount(t *testing.T) {
	needRoot(t, "a read-only bind mount")
	st := populated(t)
	ro := t.TempDir()
	if err := syscall.Mount(st.Root(), ro, "", syscall.MS_BIND, ""); err != nil {
		t.Fatalf("bind mount: %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(ro, 0); err != nil {
			t.Errorf("unmount %s: %v", ro, err)
		}
	})
	if err := syscall.Mount("", ro, "", syscall.MS_REMOUNT|syscall.MS_BIND|syscall.MS_RDONLY, ""); err != nil {
		t.Fatalf("remount read-only: %v", err)
	}
	if err := os.WriteFile(filepath.Join(ro, "probe"), nil, 0o644); !errorsIsEROFS(err) {
		t.Fatalf("the mount is writable: %v", err)
	}
	before := snapshot(t, st.Root())
	time.Sleep(10 * time.Millisecond) // a write would show in the modification times
	rost, err := Open(ro)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := rost.Verify(context.Background())
	if err != nil {
		t.Fatalf("Verify on a read-only mount: %v", err)
	}
	if rep.Posts != 2 || rep.Indexed != 2 || len(rep.Problems) != 1 || rep.Problems[0].Kind != ProblemTempFile {
		t.Errorf("Verify on a read-only mount: %d posts, %d indexed, problems:\n%s; want 2, 2 and the temp file", rep.Posts, rep.Indexed, problems(rep.Problems))
	}
	compareSnapshots(t, before, snapshot(t, st.Root()))
}

func errorsIsEROFS(err error) bool {
	pe, ok := err.(*fs.PathError)
	return ok && pe.Err == syscall.EROFS
}

// TestVerifyWithoutWriteAccess verifies a root as a user who may read it but not write anything
// in it (a child process under another uid): the report is complete and nothing changes.
func TestVerifyWithoutWriteAccess(t *testing.T) {
	needRoot(t, "running a child under another uid")
	st := populated(t)
	// The child must reach the root and run the test binary: open up the directories above the
	// root that t.TempDir made private, and copy the binary somewhere it may execute.
	for dir := st.Root(); dir != filepath.Dir(os.TempDir()) && dir != "/"; dir = filepath.Dir(dir) {
		if strings.HasPrefix(dir, os.TempDir()+"/") {
			must(t, os.Chmod(dir, 0o755))
		}
	}
	bin := filepath.Join(t.TempDir(), "publisher.test")
	copyExecutable(t, os.Args[0], bin)
	must(t, os.Chmod(filepath.Dir(bin), 0o755))
	before := snapshot(t, st.Root())
	time.Sleep(10 * time.Millisecond)

	cmd := exec.Command(bin, "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=verify", "PUBLISHER_TEST_ROOT="+st.Root())
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("verify as uid 65534: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], string(ProblemTempFile)) || lines[1] != "posts 2" {
		t.Errorf("verify as uid 65534:\n%s\nwant the temp file, then posts 2", out)
	}
	compareSnapshots(t, before, snapshot(t, st.Root()))
}

func copyExecutable(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	must(t, err)
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o755)
	must(t, err)
	_, err = io.Copy(dst, src)
	must(t, err)
	must(t, dst.Close())
}
