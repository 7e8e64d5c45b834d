package atomicfs

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// childEnv selects, in a re-executed test binary, the child program to run instead of the tests.
const childEnv = "ATOMICFS_TEST_CHILD"

// children are the programs that tests run in separate processes (re-executing the test binary).
var children = map[string]func() error{}

func TestMain(m *testing.M) {
	if name := os.Getenv(childEnv); name != "" {
		run, ok := children[name]
		if !ok {
			os.Stderr.WriteString("unknown child " + name + "\n")
			os.Exit(2)
		}
		if err := run(); err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// writeRaw writes a file non-atomically, to set up a test.
func writeRaw(t *testing.T, path string, data []byte, perm fs.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, data, perm); err != nil {
		t.Fatal(err)
	}
}

// wantContent fails the test unless the file at path holds exactly want.
func wantContent(t *testing.T, path string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s holds %q, want %q", path, clip(got), clip(want))
	}
}

func clip(b []byte) []byte {
	if len(b) > 80 {
		return append(b[:80:80], "..."...)
	}
	return b
}

// wantNoTemps fails the test if dir holds a temp file of this package.
func wantNoTemps(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temp file left behind: %s", filepath.Join(dir, e.Name()))
		}
	}
}

// wantStepError fails the test unless err is an atomicfs error for step on name that carries an
// *fs.PathError.
func wantStepError(t *testing.T, err error, step, name string) *fs.PathError {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one for step %q", step)
	}
	if prefix := "atomicfs: " + step + " " + name + ": "; !strings.HasPrefix(err.Error(), prefix) {
		t.Errorf("error %q does not start with %q", err, prefix)
	}
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		t.Fatalf("error %q carries no *fs.PathError", err)
	}
	return pe
}

// withOps replaces the file operations for the rest of the test.
func withOps(t *testing.T, change func(*fileOps)) {
	t.Helper()
	saved := ops
	t.Cleanup(func() { ops = saved })
	change(&ops)
}
