package publisher

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func init() {
	children["churn"] = churnChild
	children["verify"] = verifyChild
}

// churnChild publishes, updates and unpublishes the posts of worker PUBLISHER_TEST_WORKER, with
// topics of its own and topics shared with other workers, until the file PUBLISHER_TEST_STOP
// exists. It prints the number of operations it completed.
func churnChild() int {
	st, err := Open(os.Getenv("PUBLISHER_TEST_ROOT"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	w := os.Getenv("PUBLISHER_TEST_WORKER")
	stop := os.Getenv("PUBLISHER_TEST_STOP")
	ctx := context.Background()
	n := 0
	for ; ; n++ {
		if _, err := os.Stat(stop); err == nil {
			break
		}
		slug := fmt.Sprintf("w%s-%d", w, n%5)
		if n%7 == 6 {
			if err := st.Unpublish(ctx, slug); err != nil && !errors.Is(err, ErrNotFound) {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
			continue
		}
		// A new topic every few operations, so that topic records are created while Verify looks.
		p := Post{Slug: slug, Title: "Post " + slug, Topic: fmt.Sprintf("topic-%s-%d", w, n/3), Body: fmt.Sprintf("worker %s, op %d", w, n)}
		if _, err := st.Publish(ctx, p); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	fmt.Println(n)
	return 0
}

// TestVerifyExactWhilePublishing runs 8 publisher processes that publish, update and unpublish
// (creating topics as they go) while this process verifies the root in a loop: Verify must never
// report a problem, because every state it can see between operations is consistent. Before
// Verify held shared locks on the topic index and the content index together, 51 to 121 of every
// 600 to 850 calls reported a topic record missing for a publish in flight.
func TestVerifyExactWhilePublishing(t *testing.T) {
	const procs = 8
	verifies := 1000
	if testing.Short() {
		verifies = 100
	}
	dir := t.TempDir()
	root := filepath.Join(dir, "root")
	stop := filepath.Join(dir, "stop")
	if err := os.Mkdir(root, 0o755); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	outs := make([][]byte, procs)
	errs := make([]error, procs)
	for w := range procs {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"=churn", "PUBLISHER_TEST_ROOT="+root,
			"PUBLISHER_TEST_WORKER="+strconv.Itoa(w), "PUBLISHER_TEST_STOP="+stop)
		wg.Go(func() { outs[w], errs[w] = cmd.CombinedOutput() })
	}
	stopAll := func() {
		if err := os.WriteFile(stop, nil, 0o644); err != nil {
			t.Error(err)
		}
		wg.Wait()
	}
	t.Cleanup(stopAll) // also when the test fails early: never leave the publishers running
	st, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// Start verifying once the publishers are under way, so that the loop overlaps their work.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		if entries, err := st.List(); err == nil && len(entries) >= procs {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the publishers published fewer than 8 posts in a minute")
		}
	}
	bad := 0
	start := time.Now()
	for i := range verifies {
		if i%10 == 9 {
			// Every tenth verify is a process of its own, as an operator's would be.
			out, err := verifyProcess(root)
			if err != nil {
				t.Fatalf("verify %d (a process): %v\n%s", i, err, out)
			}
			if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 1 {
				bad++
				if bad <= 5 {
					t.Errorf("verify %d (a process) while publishing:\n%s", i, out)
				}
			}
			continue
		}
		rep, err := st.Verify(ctx)
		if err != nil {
			t.Fatalf("verify %d: %v", i, err)
		}
		if !rep.OK() {
			bad++
			if bad <= 5 {
				t.Errorf("verify %d while publishing: %s", i, problems(rep.Problems))
			}
		}
	}
	elapsed := time.Since(start)
	stopAll()
	ops := 0
	for w := range procs {
		if errs[w] != nil {
			t.Fatalf("worker %d: %v\n%s", w, errs[w], outs[w])
		}
		n, _ := strconv.Atoi(string(outs[w][:len(outs[w])-1]))
		ops += n
	}
	if bad > 0 {
		t.Errorf("%d of %d verifies reported problems while %d processes published", bad, verifies, procs)
	}
	if ops < procs {
		t.Errorf("the publishers completed only %d operations while Verify ran: nothing overlapped", ops)
	}
	t.Logf("%d verifies in %v while %d processes completed %d operations", verifies, elapsed, procs, ops)
	mustVerifyOK(t, st)
}

// verifyChild verifies the root PUBLISHER_TEST_ROOT and prints the problems, one a line, then
// "posts N".
func verifyChild() int {
	st, err := Open(os.Getenv("PUBLISHER_TEST_ROOT"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	rep, err := st.Verify(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	for _, p := range rep.Problems {
		fmt.Println(p)
	}
	fmt.Println("posts", rep.Posts)
	return 0
}

// verifyProcess runs Verify on root in a child process and returns what it printed.
func verifyProcess(root string) (string, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=verify", "PUBLISHER_TEST_ROOT="+root)
	out, err := cmd.CombinedOutput()
	return string(out), err
}
