//go:build unix

package atomicfs

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func init() {
	children["view"] = func() error {
		return View(os.Getenv("ATOMICFS_TEST_TARGET"), func(data []byte) error {
			_, err := os.Stdout.Write(data)
			return err
		})
	}
}

// TestViewReadOnly: View needs only read access. As root it runs in a child process under
// another uid (which may read but not write the file or its directory); otherwise the file and
// its directory are made read-only for the test's own user.
func TestViewReadOnly(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "x.json")
	writeRaw(t, target, []byte(`{"n":7}`), 0o644)
	if os.Geteuid() != 0 {
		os.Chmod(target, 0o444)
		os.Chmod(dir, 0o555)
		t.Cleanup(func() { os.Chmod(dir, 0o755) })
		if err := View(target, func(data []byte) error {
			if string(data) != `{"n":7}` {
				t.Errorf("read %q", data)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return
	}
	// The child must be able to run the test binary: a copy in a directory it may enter.
	for d := filepath.Dir(dir); d != "/" && strings.HasPrefix(d, os.TempDir()) && d != os.TempDir(); d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(dir, "atomicfs.test")
	copyExecutable(t, os.Args[0], bin)
	for _, missing := range []bool{false, true} {
		name := target
		if missing {
			name = filepath.Join(dir, "missing.json")
		}
		cmd := exec.Command(bin)
		cmd.Env = append(os.Environ(), childEnv+"=view", "ATOMICFS_TEST_TARGET="+name)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		out, err := cmd.Output()
		if err != nil {
			var stderr []byte
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = ee.Stderr
			}
			t.Fatalf("View of %s as uid 65534: %v: %s", name, err, stderr)
		}
		if want := map[bool]string{false: `{"n":7}`, true: ""}[missing]; string(out) != want {
			t.Errorf("View of %s as uid 65534 read %q, want %q", name, out, want)
		}
	}
}

func copyExecutable(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}
