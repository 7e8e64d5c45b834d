package atomicfs

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// diffTree builds a scenario under root, as root.
type diffTree struct {
	t    *testing.T
	root string
	fd   int // a descriptor a case's setup keeps for its observe (a FIFO's reader)
}

// path returns the absolute path of rel, a slash-separated path under the root.
func (b *diffTree) path(rel string) string { return filepath.Join(b.root, filepath.FromSlash(rel)) }

// owner is a uid and gid, for chown.
type owner struct{ uid, gid int }

var (
	byRoot  = owner{0, 0}
	byAlice = owner{aliceUID, aliceGID}
	byBob   = owner{bobUID, bobGID}
)

// dir makes the directory rel with its owner and mode (special bits included).
func (b *diffTree) dir(rel string, perm fs.FileMode, o owner) {
	b.t.Helper()
	if err := os.Mkdir(b.path(rel), 0o700); err != nil {
		b.t.Fatal(err)
	}
	b.chown(rel, o)
	b.chmod(rel, perm)
}

// file writes the regular file rel with its owner and mode (special bits included).
func (b *diffTree) file(rel, data string, perm fs.FileMode, o owner) {
	b.t.Helper()
	if err := os.WriteFile(b.path(rel), []byte(data), 0o600); err != nil {
		b.t.Fatal(err)
	}
	b.chown(rel, o)
	b.chmod(rel, perm)
}

// symlink makes the link rel to dest ("ROOT" in dest names the twin root), owned by o.
func (b *diffTree) symlink(dest, rel string, o owner) {
	b.t.Helper()
	if err := os.Symlink(strings.ReplaceAll(dest, "ROOT", b.root), b.path(rel)); err != nil {
		b.t.Fatal(err)
	}
	if err := os.Lchown(b.path(rel), o.uid, o.gid); err != nil {
		b.t.Fatal(err)
	}
}

func (b *diffTree) chown(rel string, o owner) {
	b.t.Helper()
	if err := os.Lchown(b.path(rel), o.uid, o.gid); err != nil {
		b.t.Fatal(err)
	}
}

// chmod sets the mode with the special bits, which os.Chmod takes as fs.FileMode bits.
func (b *diffTree) chmod(rel string, perm fs.FileMode) {
	b.t.Helper()
	if err := os.Chmod(b.path(rel), perm); err != nil {
		b.t.Fatal(err)
	}
}

// mount mounts a file system on the directory rel for the rest of the test.
func (b *diffTree) mount(source, rel, fstype string, flags uintptr, data string) {
	b.t.Helper()
	target := b.path(rel)
	if err := syscall.Mount(source, target, fstype, flags, data); err != nil {
		b.t.Fatalf("mount %s on %s: %v", fstype, target, err)
	}
	b.t.Cleanup(func() {
		if err := syscall.Unmount(target, 0); err != nil {
			b.t.Errorf("unmount %s: %v", target, err)
		}
	})
}
