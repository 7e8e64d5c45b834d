package atomicfs

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// straceWrites are the writes the strace child makes, in order; after each it looks up the path
// dir/MARKER-<i>, which shows in the trace as the moment the call returned.
var straceWrites = []struct {
	name    string
	write   func(path string) error
	renames int // of temp files the write makes; 0 means 1
}{
	{"WriteFile new", func(p string) error { return WriteFile(p, []byte("one"), 0o644) }, 0},
	{"WriteFile existing", func(p string) error { return WriteFile(p, []byte("two"), 0o644) }, 0},
	{"WriteJSON", func(p string) error { return WriteJSON(p, map[string]int{"three": 3}, 0o644) }, 0},
	{"Create/Commit", func(p string) error {
		f, err := Create(p, 0o644)
		if err != nil {
			return err
		}
		defer f.Close()
		if _, err := f.WriteString("four"); err != nil {
			return err
		}
		return f.Commit()
	}, 0},
	{"UpdateJSON", func(p string) error {
		return UpdateJSON(p+".counter", 0o644, func(n *int) error { *n++; return nil })
	}, 0},
	{"UpdateJSON batched", updateJSONBatched, 2},
}

// updateJSONBatched makes 1 + 7 concurrent UpdateJSON calls on one file: the first holds its
// batch until the 7 others have queued up, which then share the second batch's one write.
func updateJSONBatched(p string) error {
	target := p + ".batched"
	release := make(chan struct{})
	errs := make(chan error, 8)
	go func() {
		errs <- UpdateJSON(target, 0o644, func(n *int) error { <-release; *n++; return nil })
	}()
	time.Sleep(20 * time.Millisecond) // let the first call into its fn
	for range 7 {
		go func() { errs <- UpdateJSON(target, 0o644, func(n *int) error { *n++; return nil }) }()
	}
	for queued(target) != 7 {
		time.Sleep(time.Millisecond)
	}
	close(release)
	for range 8 {
		if err := <-errs; err != nil {
			return err
		}
	}
	return nil
}

func init() {
	children["strace"] = func() error {
		dir := os.Getenv("ATOMICFS_TEST_DIR")
		for i, w := range straceWrites {
			if err := w.write(filepath.Join(dir, "data.json")); err != nil {
				return fmt.Errorf("%s: %w", w.name, err)
			}
			os.Lstat(filepath.Join(dir, "MARKER-"+strconv.Itoa(i)))
		}
		return nil
	}
}

// TestDurabilityOrder runs writes under strace -f and checks, from the system calls, that each
// fsyncs the temp file's descriptor before renaming it over the target, and fsyncs the
// directory's descriptor after the rename and before the call returns.
func TestDurabilityOrder(t *testing.T) {
	strace, err := exec.LookPath("strace")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("strace is required under CI=true: %v", err)
		}
		t.Skip("strace not installed: skipping the durability-order test (install strace to run it)")
	}
	dir := t.TempDir()
	trace := filepath.Join(t.TempDir(), "trace")
	// -y shows the path of every descriptor argument: the writes work relative to a directory
	// descriptor (openat, renameat), so paths come from the descriptors, not from the calls.
	cmd := exec.Command(strace, "-f", "-qq", "-y", "-s", "4096", "-o", trace, "-e", "trace=%file,%desc", os.Args[0])
	cmd.Env = append(os.Environ(), childEnv+"=strace", "ATOMICFS_TEST_DIR="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("strace: %v\n%s", err, out)
	}
	calls := readTrace(t, trace)

	var (
		synced   = map[string]bool{} // paths fsynced (through some descriptor) so far
		renamed  []string            // targets renamed in the current segment
		dirSyncs int                 // fsyncs of dir since the last rename
		segment  int                 // index of the write in progress
	)
	fsyncRe := regexp.MustCompile(`^f(?:data)?sync\(\d+<([^>]*)>\)\s+= 0$`)
	at := `(?:AT_FDCWD|\d+<([^>]*)>), `
	renameRe := regexp.MustCompile(`^rename(?:at2?)?\((?:` + at + `)?"([^"]*)", (?:` + at + `)?"([^"]*)".*\)\s+= 0$`)
	for _, c := range calls {
		if m := fsyncRe.FindStringSubmatch(c); m != nil {
			path := m[1]
			synced[path] = true
			if path == dir && len(renamed) > 0 {
				dirSyncs++
			}
		} else if m := renameRe.FindStringSubmatch(c); m != nil {
			from, to := filepath.Join(m[1], m[2]), filepath.Join(m[3], m[4])
			if !strings.HasPrefix(from, dir+"/") || !IsTemp(filepath.Base(from)) {
				continue
			}
			if !synced[from] {
				t.Errorf("%s: renamed %s before fsyncing it", straceWrites[segment].name, from)
			}
			renamed = append(renamed, to)
			dirSyncs = 0
		} else if strings.Contains(c, "MARKER-"+strconv.Itoa(segment)) {
			name, want := straceWrites[segment].name, max(straceWrites[segment].renames, 1)
			switch {
			case len(renamed) != want:
				t.Errorf("%s: %d renames of a temp file, want %d", name, len(renamed), want)
			case dirSyncs == 0:
				t.Errorf("%s: returned without fsyncing %s after the rename", name, dir)
			}
			renamed = nil
			segment++
		}
	}
	if segment != len(straceWrites) {
		t.Fatalf("found %d of the %d writes' markers in the trace", segment, len(straceWrites))
	}
}

// readTrace returns the completed system calls of an strace -f output file, in the order they
// completed, without the pid, with calls that another thread interrupted put back together.
func readTrace(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	unfinished := map[string]string{}
	var calls []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		pid, call, _ := strings.Cut(sc.Text(), " ")
		call = strings.TrimLeft(call, " ")
		if before, ok := strings.CutSuffix(call, " <unfinished ...>"); ok {
			unfinished[pid] = before
			continue
		}
		if strings.HasPrefix(call, "<... ") {
			_, rest, ok := strings.Cut(call, " resumed>")
			if !ok {
				continue
			}
			call = unfinished[pid] + rest
			delete(unfinished, pid)
		}
		calls = append(calls, call)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return calls
}
