package publisher

import (
	"bytes"
	"context"
	"os"
	"strings"
	"syscall"
	"testing"
)

// mountTmpfs mounts a tmpfs of size bytes at dir until the test ends.
func mountTmpfs(t *testing.T, dir, size string) {
	t.Helper()
	must(t, os.MkdirAll(dir, 0o755))
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size); err != nil {
		t.Fatalf("mount tmpfs at %s: %v", dir, err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil && err != syscall.EINVAL { // EINVAL: unmounted already
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
}

// TestQuarantineAcrossFileSystems keeps the posts on a file system of their own (a tmpfs), where
// a rename into the quarantine directory fails with EXDEV: the corrupt post is copied durably and
// then removed, Repair reaches OK, and the slug can be published again. When the copy cannot be
// made (the quarantine is a full tmpfs), the error names the one file and the one step, and the
// corrupt post stays where it was.
func TestQuarantineAcrossFileSystems(t *testing.T) {
	needRoot(t, "mounting a tmpfs")
	ctx := context.Background()
	st := newStore(t)
	mountTmpfs(t, st.abs(PostsDir), "4m")
	seed(t, st)
	bad := []byte(`{"slug":"beta","title":`)
	replaceFile(t, st, PostPath("beta"), bad)

	// First with a quarantine that has no room: a clear error, nothing lost.
	mountTmpfs(t, st.abs(QuarantineDir), "4k")
	filler, err := os.Create(st.abs(QuarantineDir + "/filler"))
	must(t, err)
	_, _ = filler.Write(bytes.Repeat([]byte("x"), 64<<10)) // fills the tmpfs; the error is expected
	must(t, filler.Close())
	_, err = st.Repair(ctx)
	if err == nil {
		t.Fatal("Repair into a full quarantine succeeded")
	}
	msg := err.Error()
	t.Logf("Repair into a full quarantine: %v", err)
	if !strings.Contains(msg, "blog/beta.json: quarantine: copy: no space left on device") {
		t.Errorf("error %q does not name the file, the step and the reason", msg)
	}
	for _, other := range []string{"contentIndex", "topicIndex", "metrics", "atomicfs: update"} {
		if strings.Contains(msg, other) {
			t.Errorf("error %q names %q, which did not fail", msg, other)
		}
	}
	if got := readRel(t, st, PostPath("beta")); !bytes.Equal(got, bad) {
		t.Errorf("the corrupt post changed after a failed quarantine: %q", got)
	}
	must(t, syscall.Unmount(st.abs(QuarantineDir), 0))

	// Then with room: copied, removed, repaired.
	rep, err := st.Repair(ctx)
	if err != nil {
		t.Fatalf("Repair across file systems: %v", err)
	}
	if !rep.OK() {
		t.Fatalf("Repair left %s", problems(rep.Remaining))
	}
	if exists(st, PostPath("beta")) {
		t.Error("the corrupt post is still in the posts directory")
	}
	if got := readRel(t, st, QuarantineDir+"/beta.json.corrupt"); !bytes.Equal(got, bad) {
		t.Errorf("quarantined copy = %q, want the corrupt bytes", got)
	}
	mustPublish(t, st, post("beta", "go", "beta again"))
	mustVerifyOK(t, st)
}
