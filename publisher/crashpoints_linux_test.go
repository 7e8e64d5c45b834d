package publisher

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
)

func init() { children["crashop"] = crashOpChild }

// crashMarker is the path the crash-op child stats just before its operation, so that the trace
// shows where the operation's own system calls begin, and on which thread.
const crashMarker = "/publisher-crash-point-begin"

// crashOp is one operation the crash-point test kills at every system call.
type crashOp struct {
	name  string
	setup func(t *testing.T, st *Store) // builds the root the operation starts from
	run   func(ctx context.Context, st *Store) error
	// acked checks what must hold once the child acknowledged the operation.
	acked func(t *testing.T, st *Store)
	// damaged: the setup leaves corrupt files, which the operation or the repair quarantines.
	damaged bool
}

var crashOps = []crashOp{
	{
		name:  "publish",
		setup: func(t *testing.T, st *Store) { seed(t, st) },
		run: func(ctx context.Context, st *Store) error {
			_, err := st.Publish(ctx, post("delta", "zig", "delta body"))
			return err
		},
		acked: func(t *testing.T, st *Store) { wantBody(t, st, "delta", "delta body") },
	},
	{
		name:  "update",
		setup: func(t *testing.T, st *Store) { seed(t, st) },
		run: func(ctx context.Context, st *Store) error {
			_, err := st.Publish(ctx, post("alpha", "go", "alpha updated"))
			return err
		},
		acked: func(t *testing.T, st *Store) { wantBody(t, st, "alpha", "alpha updated") },
	},
	{
		name:  "unpublish",
		setup: func(t *testing.T, st *Store) { seed(t, st) },
		run:   func(ctx context.Context, st *Store) error { return st.Unpublish(ctx, "beta") },
		acked: func(t *testing.T, st *Store) {
			if _, err := st.Get("beta"); !errors.Is(err, ErrNotFound) {
				t.Errorf("beta after an acknowledged unpublish: %v, want not found", err)
			}
		},
	},
	{
		name:    "repair",
		setup:   damagedSetup,
		run:     func(ctx context.Context, st *Store) error { _, err := st.Repair(ctx); return err },
		acked:   func(t *testing.T, st *Store) { mustVerifyOK(t, st) },
		damaged: true,
	},
	{
		name:  "rebuild",
		setup: damagedSetup,
		run:   func(ctx context.Context, st *Store) error { _, err := st.Rebuild(ctx); return err },
		acked: func(t *testing.T, st *Store) {
			if _, ok := indexed(t, st)["epsilon"]; !ok {
				t.Error("epsilon not indexed after an acknowledged rebuild")
			}
		},
		damaged: true,
	},
}

// damagedSetup leaves work for Repair and Rebuild: a valid post the index does not know, a
// corrupt post, no topic index, and a temp file of a crashed writer.
func damagedSetup(t *testing.T, st *Store) {
	seed(t, st)
	writeValidPost(t, st, "epsilon", "epsilon body")
	replaceFile(t, st, PostPath("gamma"), []byte(`{"slug":"gam`))
	must(t, os.Remove(st.abs(TopicIndexFile)))
	replaceFile(t, st, PostsDir+"/.alpha.json.tmp-0123456789ab", []byte(`{"slug":`))
}

func wantBody(t *testing.T, st *Store, slug, body string) {
	t.Helper()
	sp, err := st.Get(slug)
	if err != nil || sp.Body != body {
		t.Errorf("%s after its acknowledged write: %q, %v; want %q", slug, sp.Body, err, body)
	}
}

func indexed(t *testing.T, st *Store) map[string]Entry {
	t.Helper()
	entries, err := st.List()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]Entry{}
	for _, e := range entries {
		out[e.Slug] = e
	}
	return out
}

// crashOpChild runs one operation on PUBLISHER_TEST_ROOT and prints "ack" once it returned. Its
// goroutine stays on one thread, so that strace, which counts system calls per thread, sees the
// operation's calls in the same order in every run.
func crashOpChild() int {
	runtime.LockOSThread()
	name := os.Getenv("PUBLISHER_TEST_OP")
	i := slices.IndexFunc(crashOps, func(op crashOp) bool { return op.name == name })
	if i < 0 {
		fmt.Fprintln(os.Stderr, "unknown operation", name)
		return 2
	}
	st, err := Open(os.Getenv("PUBLISHER_TEST_ROOT"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	os.Stat(crashMarker)
	if err := crashOps[i].run(context.Background(), st); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("ack")
	return 0
}

// crashPoint is one kill: at the Nth call of a system call on the operation's thread.
type crashPoint struct {
	syscall string
	n       int
}

var traceLine = regexp.MustCompile(`^(\d+) +([a-z0-9_]+)\(`)

// countCalls runs the operation once under strace and returns its crash points: every file or
// descriptor system call its thread makes after the marker, numbered as strace counts them.
func countCalls(t *testing.T, strace, root, op string) []crashPoint {
	t.Helper()
	trace := filepath.Join(t.TempDir(), "trace")
	cmd := exec.Command(strace, "-f", "-qq", "-o", trace, "-e", "trace=%file,%desc", os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=crashop", "PUBLISHER_TEST_OP="+op, "PUBLISHER_TEST_ROOT="+root)
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "ack") {
		t.Fatalf("%s under strace: %v\n%s", op, err, out)
	}
	f, err := os.Open(trace)
	must(t, err)
	defer f.Close()
	counts := map[string]map[string]int{} // thread → system call → calls so far
	var thread string
	var points []crashPoint
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		m := traceLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		tid, name := m[1], m[2]
		if counts[tid] == nil {
			counts[tid] = map[string]int{}
		}
		counts[tid][name]++
		switch {
		case thread == "" && strings.Contains(sc.Text(), crashMarker):
			thread = tid
		case tid == thread:
			points = append(points, crashPoint{name, counts[tid][name]})
		}
	}
	must(t, sc.Err())
	if thread == "" {
		t.Fatalf("%s: the marker is not in the trace", op)
	}
	return points
}

// copyTree copies the regular files and directories of from into the new directory to.
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		dst := filepath.Join(to, path[len(from):])
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644) //atomicjson:ignore a copy of a test fixture into a fresh directory
	})
	must(t, err)
}

// crashPointsAll says whether to kill at every crash point (CI=true, or PUBLISHER_CRASH_POINTS=all)
// or at a sample of them (every 25th and the last of each operation); all of them take minutes.
func crashPointsAll() bool {
	return os.Getenv("CI") == "true" || os.Getenv("PUBLISHER_CRASH_POINTS") == "all"
}

// TestCrashPoints kills publish, update, unpublish, repair and rebuild deterministically at every
// file or descriptor system call they make (strace's inject=SYSCALL:signal=KILL:when=N), and after
// each kill checks that every .json file parses, that Repair then Verify reach OK, that every
// valid post of the starting root is still there unless the operation removed it, and that an
// operation the child acknowledged holds. It kills at a sample of the points unless CI=true or
// PUBLISHER_CRASH_POINTS=all asks for all of them, and logs how many it covered.
func TestCrashPoints(t *testing.T) {
	strace, err := exec.LookPath("strace")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("strace is required under CI=true: %v", err)
		}
		t.Skip("strace not installed: skipping the crash-point test")
	}
	all := crashPointsAll()
	total, covered := 0, 0
	for _, op := range crashOps {
		t.Run(op.name, func(t *testing.T) {
			template := newStore(t)
			op.setup(t, template)
			before := validPosts(t, template)
			brokenBefore := unparsable(t, template.Root())

			probe := t.TempDir()
			copyTree(t, template.Root(), probe)
			points := countCalls(t, strace, probe, op.name)
			total += len(points)
			killed, finished := 0, 0
			for i, cp := range points {
				if !all && i%25 != 0 && i != len(points)-1 {
					continue
				}
				root := t.TempDir()
				copyTree(t, template.Root(), root)
				died, acked := killAt(t, strace, root, op.name, cp)
				if died {
					killed++
				} else {
					finished++
				}
				checkAfterCrash(t, op, cp, root, acked, before, brokenBefore)
				if t.Failed() {
					t.FailNow()
				}
			}
			covered += killed + finished
			t.Logf("%s: %d crash points; killed at %d, %d ran to the end (the point fell on another thread)", op.name, len(points), killed, finished)
		})
	}
	t.Logf("crash points covered: %d of %d (all: %v)", covered, total, all)
}

// killAt runs the operation on root with a SIGKILL injected at cp, and reports whether the child
// died of it and whether it acknowledged the operation first.
func killAt(t *testing.T, strace, root, op string, cp crashPoint) (died, acked bool) {
	t.Helper()
	inject := fmt.Sprintf("inject=%s:signal=KILL:when=%d", cp.syscall, cp.n)
	cmd := exec.Command(strace, "-f", "-qq", "-o", "/dev/null", "-e", "trace="+cp.syscall, "-e", inject, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=crashop", "PUBLISHER_TEST_OP="+op, "PUBLISHER_TEST_ROOT="+root)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee) && ee.Sys().(syscall.WaitStatus).Signal() == syscall.SIGKILL:
		died = true
	default:
		t.Fatalf("%s killed at %s #%d: %v\n%s", op, cp.syscall, cp.n, err, stderr.String())
	}
	return died, strings.Contains(stdout.String(), "ack")
}

// unparsable returns the .json files under root that do not parse, with their bytes.
func unparsable(t *testing.T, root string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		data, err := os.ReadFile(path)
		if err == nil && !json.Valid(data) {
			out[path[len(root):]] = data
		}
		return err
	})
	must(t, err)
	return out
}

func checkAfterCrash(t *testing.T, op crashOp, cp crashPoint, root string, acked bool, before map[string][]byte, brokenBefore map[string][]byte) {
	t.Helper()
	at := fmt.Sprintf("%s killed at %s #%d (acknowledged: %v)", op.name, cp.syscall, cp.n, acked)
	for name, data := range unparsable(t, root) {
		if old, ok := brokenBefore[name]; !ok || !bytes.Equal(old, data) {
			t.Errorf("%s: %s does not parse: %.60q", at, name, data)
		}
	}
	st, err := Open(root)
	must(t, err)
	ctx := context.Background()
	rep, err := st.Repair(ctx)
	if err != nil {
		t.Fatalf("%s: Repair: %v", at, err)
	}
	if !rep.OK() {
		t.Fatalf("%s: Repair left:\n%s", at, problems(rep.Remaining))
	}
	if !op.damaged {
		for _, ch := range rep.Changes {
			if ch.Action == "quarantined" {
				t.Errorf("%s: Repair quarantined a file, so a write was not atomic: %s", at, ch)
			}
		}
	}
	if v, err := st.Verify(ctx); err != nil || !v.OK() {
		t.Fatalf("%s: Verify after Repair: %v %v", at, err, v)
	}
	idx := indexed(t, st)
	for slug, data := range before {
		touched := (op.name == "unpublish" && slug == "beta") || (op.name == "update" && slug == "alpha")
		if touched {
			continue
		}
		got, err := os.ReadFile(st.abs(PostPath(slug)))
		if _, ok := idx[slug]; err != nil || !ok || !bytes.Equal(got, data) {
			t.Errorf("%s: valid post %s lost or changed (indexed %v): %v", at, slug, ok, err)
		}
	}
	if acked {
		op.acked(t, st)
	}
}
