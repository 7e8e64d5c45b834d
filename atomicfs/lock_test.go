package atomicfs

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func init() {
	// disrupt deletes, replaces and plants files in a directory until it is killed: every file but
	// the target and this package's temp files (deleting those is a writer bypassing the lock),
	// including the "<target>.lock" sidecar earlier versions locked; and it runs CleanTemps, which
	// must leave the temp files of writes in flight alone.
	children["disrupt"] = func() error {
		dir, target := os.Getenv("ATOMICFS_TEST_DIR"), os.Getenv("ATOMICFS_TEST_TARGET")
		for i := 0; ; i++ {
			decoy := filepath.Join(dir, "decoy-"+strconv.Itoa(i%8))
			os.WriteFile(decoy, []byte("decoy"), 0o644)
			os.Rename(decoy, filepath.Join(dir, target+".lock")) // replace the old sidecar
			os.WriteFile(decoy, []byte("decoy"), 0o644)
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if e.Name() == target || IsTemp(e.Name()) {
					continue
				}
				if i%2 == 0 {
					os.Remove(filepath.Join(dir, e.Name()))
				} else {
					os.Rename(decoy, filepath.Join(dir, e.Name()))
				}
			}
			CleanTemps(dir, 0)                 // must spare the updaters' temp files
			time.Sleep(100 * time.Microsecond) // leave the updaters some CPU
		}
	}
}

func init() {
	// holdforever takes the Update lock of its target, says so on stdout and waits to be killed.
	children["holdforever"] = func() error {
		return Update(os.Getenv("ATOMICFS_TEST_TARGET"), 0o644, func(old []byte) ([]byte, error) {
			os.Stdout.WriteString("locked\n")
			time.Sleep(time.Hour)
			return []byte("never"), nil
		})
	}
}

// TestLockReleasedWhenHolderDies: a process killed (SIGKILL) while it holds the lock releases it
// with its descriptors, and the file keeps its old content; for a missing file (the lock then on
// its directory) too.
func TestLockReleasedWhenHolderDies(t *testing.T) {
	dir := t.TempDir()
	for _, exists := range []bool{true, false} {
		target := filepath.Join(dir, "x-"+strconv.FormatBool(exists))
		if exists {
			writeRaw(t, target, []byte("old"), 0o644)
		}
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), childEnv+"=holdforever", "ATOMICFS_TEST_TARGET="+target)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line := make([]byte, len("locked\n"))
		if _, err := io.ReadFull(out, line); err != nil {
			cmd.Process.Kill()
			t.Fatalf("the child never held the lock: %v", err)
		}
		err = Update(target, 0o644, func(old []byte) ([]byte, error) { return old, nil }, WithLockTimeout(50*time.Millisecond))
		if !errors.Is(err, ErrLockTimeout) {
			t.Errorf("exists=%v: while the child holds the lock: got %v, want ErrLockTimeout", exists, err)
		}
		cmd.Process.Kill()
		cmd.Wait()
		var saw []byte
		err = Update(target, 0o644, func(old []byte) ([]byte, error) { saw = old; return []byte("new"), nil }, WithLockTimeout(5*time.Second))
		if err != nil {
			t.Fatalf("exists=%v: after the holder died: %v", exists, err)
		}
		if want := map[bool]string{true: "old", false: ""}[exists]; string(saw) != want || (saw == nil) == exists {
			t.Errorf("exists=%v: the update after the kill read %q, want the old content %q", exists, saw, want)
		}
	}
	wantNoTemps(t, dir)
}

// TestLockSurvivesDisruption: 4 processes increment one counter with UpdateJSON while another
// process keeps deleting and replacing every other file of the directory (stale "*.lock" files
// among them) and runs CleanTemps(dir, 0); not one update fails and not one increment is lost. (With the sidecar lock of earlier versions, deleting
// "<target>.lock" lost hundreds of 1,200.)
func TestLockSurvivesDisruption(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "counter.json")
	const procs = 4
	each := 50
	if testing.Short() {
		each = 15
	}
	if n, err := strconv.Atoi(os.Getenv("ATOMICFS_TORTURE_INCREMENTS")); err == nil {
		each = n
	}
	disrupt := exec.Command(os.Args[0])
	disrupt.Env = append(os.Environ(), childEnv+"=disrupt", "ATOMICFS_TEST_DIR="+dir, "ATOMICFS_TEST_TARGET=counter.json")
	disrupt.Stderr = os.Stderr
	if err := disrupt.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { disrupt.Process.Kill(); disrupt.Wait() })
	var cmds []*exec.Cmd
	for range procs {
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), childEnv+"=increment", "ATOMICFS_TEST_TARGET="+target, "ATOMICFS_TEST_N="+strconv.Itoa(each))
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("child: %v", err)
		}
	}
	wantContent(t, target, []byte(fmt.Sprintf(`{"n":%d}`+"\n", procs*each)))
}

// TestUpdateLongNames: Update and UpdateJSON work on file names of the usual 255-byte limit,
// ASCII and multi-byte.
func TestUpdateLongNames(t *testing.T) {
	dir := t.TempDir()
	names := []string{
		strings.Repeat("a", 250) + ".json",
		strings.Repeat("é", 125) + ".json", // 255 bytes, 130 characters
	}
	for _, base := range names {
		target := filepath.Join(dir, base)
		for range 2 {
			if err := UpdateJSON(target, 0o644, func(c *counter) error { c.N++; return nil }); err != nil {
				t.Fatalf("%d-byte name: %v", len(base), err)
			}
		}
		wantContent(t, target, []byte(`{"n":2}`+"\n"))
		if err := Update(target, 0o644, func(old []byte) ([]byte, error) { return append(old, 'x'), nil }); err != nil {
			t.Fatalf("%d-byte name: %v", len(base), err)
		}
	}
	wantNoTemps(t, dir)
}

// TestLockFileName: the sidecar lock file's name (Windows) fits in 255 bytes, is valid UTF-8,
// keeps short names readable and tells long names apart.
func TestLockFileName(t *testing.T) {
	if got := lockFileName("config.json"); got != "config.json.lock" {
		t.Errorf("lockFileName(config.json) = %q", got)
	}
	seen := map[string]string{}
	for _, base := range []string{
		strings.Repeat("a", 250),
		strings.Repeat("a", 251),
		strings.Repeat("a", 255),
		strings.Repeat("a", 254) + "b",
		strings.Repeat("é", 127) + "x",
		strings.Repeat("é", 127) + "y",
		strings.Repeat("日本", 42) + "z",
	} {
		got := lockFileName(base)
		if len(got) > 255 || !utf8.ValidString(got) || !strings.HasSuffix(got, ".lock") {
			t.Errorf("lockFileName of a %d-byte name = %q (%d bytes)", len(base), got, len(got))
		}
		if other, dup := seen[got]; dup {
			t.Errorf("%q and %q share the lock file %q", other, base, got)
		}
		seen[got] = base
	}
}
