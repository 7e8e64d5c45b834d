package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestVerifyReadOnlyRoot runs verify on a read-only bind mount of a root: it checks everything
// (exit 0, the post counted) instead of failing to lock, and writes no lock metrics.
func TestVerifyReadOnlyRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("a read-only bind mount needs root, and CI=true runs as root")
		}
		t.Skip("a read-only bind mount needs root: skipping")
	}
	root := t.TempDir()
	in := writeInput(t, t.TempDir(), "post.json", `{"slug":"a","title":"T","topic":"go","body":"b"}`)
	if r := runCmd(t, "", "-root", root, "post", in); r.code != exitOK {
		t.Fatalf("post: %d %s", r.code, r.stderr)
	}
	ro := t.TempDir()
	if err := syscall.Mount(root, ro, "", syscall.MS_BIND, ""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(ro, 0); err != nil {
			t.Errorf("unmount: %v", err)
		}
	})
	if err := syscall.Mount("", ro, "", syscall.MS_REMOUNT|syscall.MS_BIND|syscall.MS_RDONLY, ""); err != nil {
		t.Fatal(err)
	}
	before, err := os.Stat(filepath.Join(root, "_system", "lock-metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	r := runCmd(t, "", "-root", ro, "verify")
	if r.code != exitOK || !strings.Contains(r.stdout, "ok: 1 posts") {
		t.Fatalf("verify on a read-only root: exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	after, err := os.Stat(filepath.Join(root, "_system", "lock-metrics.json"))
	if err != nil || !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("verify changed the lock metrics: %v → %v (%v)", before.ModTime(), after.ModTime(), err)
	}
}
