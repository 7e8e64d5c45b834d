//go:build unix

package publisher

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func init() { children["torture"] = tortureChild }

// tortureSlugs are the posts the kill -9 child works on: few, so that updates and unpublishes of
// published posts are frequent.
var tortureSlugs = []string{"alpha", "beta", "gamma", "delta", "epsilon", "zeta"}

// tortureChild publishes, updates and unpublishes posts in a loop until it is killed. It prints
// "begin OP SLUG BODY" before each operation and "ack OP SLUG BODY" after it returned; stdout is
// unbuffered, so a line the parent sees was written before the kill.
func tortureChild() int {
	st, err := Open(os.Getenv("PUBLISHER_TEST_ROOT"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	seed, _ := strconv.ParseUint(os.Getenv("PUBLISHER_TEST_SEED"), 10, 64)
	rng := rand.New(rand.NewPCG(seed, 0))
	ctx := context.Background()
	for n := 0; ; n++ {
		slug := tortureSlugs[rng.IntN(len(tortureSlugs))]
		op, body := "publish", fmt.Sprintf("body-%d-%d", seed, n)
		if rng.IntN(4) == 0 {
			op, body = "unpublish", "-"
		}
		fmt.Printf("begin %s %s %s\n", op, slug, body)
		if op == "publish" {
			// Vary the size so that some writes take longer than others.
			p := Post{Slug: slug, Title: "T " + slug, Topic: "topic-" + slug[:1], Body: body + strings.Repeat(" pad", rng.IntN(4096))}
			_, err = st.Publish(ctx, p)
		} else {
			err = st.Unpublish(ctx, slug)
			if errors.Is(err, ErrNotFound) {
				err = nil // already absent: the state is what the op asks for
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			return 3
		}
		fmt.Printf("ack %s %s %s\n", op, slug, body)
	}
}

func tortureKills() int {
	if s := os.Getenv("PUBLISHER_TORTURE_KILLS"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n > 0 {
			return n
		}
	}
	if testing.Short() {
		return 30
	}
	return 200
}

// TestKillTorture SIGKILLs a publishing child at random moments, and after every kill checks that
// every .json file parses, that Repair then Verify reach a consistent state, and that every slug
// shows the last operation the child acknowledged (or the one in flight, if it had taken effect).
func TestKillTorture(t *testing.T) {
	kills := tortureKills()
	root := t.TempDir()
	st, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	model := map[string]string{} // slug → body prefix of the published post; absent = not published
	ctx := context.Background()
	var acked, rolledForward int
	repairs := map[string]int{} // what Repair had to do, by action: where the kills landed
	start := time.Now()

	for cycle := range kills {
		lines, err := runAndKill(root, uint64(cycle), time.Duration(rng.IntN(100000))*time.Microsecond)
		if err != nil {
			t.Fatalf("cycle %d: %v", cycle, err)
		}
		// The in-flight operation: begun, not acknowledged.
		var pending []string
		for _, l := range lines {
			f := strings.Fields(l)
			if len(f) != 4 {
				t.Fatalf("cycle %d: bad line %q", cycle, l)
			}
			switch f[0] {
			case "begin":
				pending = f[1:]
			case "ack":
				if pending == nil || strings.Join(pending, " ") != strings.Join(f[1:], " ") {
					t.Fatalf("cycle %d: ack %q without its begin", cycle, l)
				}
				apply(model, f[1:])
				pending = nil
				acked++
			}
		}

		if err := allJSONParses(root); err != nil {
			t.Fatalf("cycle %d: after SIGKILL: %v", cycle, err)
		}
		rep, err := st.Repair(ctx)
		if err != nil {
			t.Fatalf("cycle %d: Repair: %v", cycle, err)
		}
		for _, ch := range rep.Changes {
			repairs[ch.Action]++
			if ch.Action == "quarantined" {
				t.Fatalf("cycle %d: Repair quarantined a file, so a write was not atomic: %s", cycle, ch)
			}
		}
		if !rep.OK() {
			t.Fatalf("cycle %d: problems remain after Repair:\n%s", cycle, problems(rep.Remaining))
		}
		mustVerifyOK(t, st)

		actual, err := observe(st)
		if err != nil {
			t.Fatalf("cycle %d: %v", cycle, err)
		}
		want := map[string]string{}
		for k, v := range model {
			want[k] = v
		}
		if pending != nil {
			alt := map[string]string{}
			for k, v := range model {
				alt[k] = v
			}
			apply(alt, pending)
			if equalState(actual, alt) && !equalState(actual, want) {
				want = alt
				rolledForward++
			}
		}
		if !equalState(actual, want) {
			t.Fatalf("cycle %d: state after repair\n  got  %v\n  want %v (last acknowledged), in flight: %v", cycle, actual, want, pending)
		}
		model = actual
	}
	t.Logf("%d kills, %d acknowledged operations, %d in-flight operations rolled forward by Repair, %v",
		kills, acked, rolledForward, time.Since(start))
	t.Logf("Repair changes by action: %v", repairs)
}

// apply records op (OP SLUG BODY) in the model.
func apply(model map[string]string, op []string) {
	if op[0] == "publish" {
		model[op[1]] = op[2]
	} else {
		delete(model, op[1])
	}
}

// observe reads the published state: every indexed slug with its body's first word.
func observe(st *Store) (map[string]string, error) {
	entries, err := st.List()
	if err != nil {
		return nil, err
	}
	state := map[string]string{}
	for _, e := range entries {
		sp, err := st.Get(e.Slug)
		if err != nil {
			return nil, err
		}
		state[e.Slug] = strings.Fields(sp.Body)[0]
	}
	return state, nil
}

func equalState(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// runAndKill starts a torture child, lets it work for about d after its first operation began,
// SIGKILLs it, and returns the complete lines it printed.
func runAndKill(root string, seed uint64, d time.Duration) ([]string, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=torture", "PUBLISHER_TEST_ROOT="+root,
		"PUBLISHER_TEST_SEED="+strconv.FormatUint(seed, 10))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	var lines []string
	first := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		r := bufio.NewReader(out)
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				done <- nil // a partial last line is dropped: it was cut by the kill
				return
			}
			if lines = append(lines, strings.TrimSuffix(l, "\n")); len(lines) == 1 {
				close(first)
			}
		}
	}()
	select {
	case <-first:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		cmd.Wait()
		return nil, fmt.Errorf("child printed nothing in 30s: %s", stderr.String())
	}
	time.Sleep(d)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		return nil, err
	}
	<-done
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		return nil, fmt.Errorf("child did not die by SIGKILL (%v): %s", err, stderr.String())
	}
	return lines, nil
}
