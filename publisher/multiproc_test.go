package publisher

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"
)

// multiChild publishes PUBLISHER_TEST_N distinct posts as worker PUBLISHER_TEST_WORKER.
func multiChild() int {
	st, err := Open(os.Getenv("PUBLISHER_TEST_ROOT"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	n, _ := strconv.Atoi(os.Getenv("PUBLISHER_TEST_N"))
	w := os.Getenv("PUBLISHER_TEST_WORKER")
	for i := range n {
		p := Post{Slug: fmt.Sprintf("w%s-post-%d", w, i), Title: "Post " + strconv.Itoa(i), Topic: "topic-" + strconv.Itoa(i%5),
			Body: fmt.Sprintf("worker %s, post %d", w, i)}
		if _, err := st.Publish(context.Background(), p); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	return 0
}

// TestMultiProcess runs 8 processes that publish distinct posts into one root at once: every post
// ends up indexed, the metrics lose no count, and Verify passes.
func TestMultiProcess(t *testing.T) {
	const procs = 8
	perProc := 50
	if testing.Short() {
		perProc = 10
	}
	root := t.TempDir()
	var wg sync.WaitGroup
	errs := make([]error, procs)
	start := time.Now()
	for w := range procs {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"=multi", "PUBLISHER_TEST_ROOT="+root,
			"PUBLISHER_TEST_WORKER="+strconv.Itoa(w), "PUBLISHER_TEST_N="+strconv.Itoa(perProc))
		wg.Go(func() {
			out, err := cmd.CombinedOutput()
			if err != nil {
				errs[w] = fmt.Errorf("worker %d: %v\n%s", w, err, out)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d processes published %d posts in %v", procs, procs*perProc, time.Since(start))

	st, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	total := procs * perProc
	entries, err := st.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != total {
		t.Errorf("index has %d entries, want %d", len(entries), total)
	}
	seen := map[string]bool{}
	for _, e := range entries {
		seen[e.Slug] = true
	}
	for w := range procs {
		for i := range perProc {
			if slug := fmt.Sprintf("w%d-post-%d", w, i); !seen[slug] {
				t.Errorf("%s missing from the index", slug)
			}
		}
	}
	m, err := st.Metrics()
	if err != nil {
		t.Fatal(err)
	}
	if m.Attempts != uint64(total) || m.Successes != uint64(total) || m.FailureCount() != 0 {
		t.Errorf("metrics: attempts %d successes %d failures %v, want %d, %d, none", m.Attempts, m.Successes, m.Failures, total, total)
	}
	if m.Duration.Count != uint64(total) {
		t.Errorf("duration count %d, want %d", m.Duration.Count, total)
	}
	lm, err := st.LockMetrics()
	if err != nil {
		t.Fatal(err)
	}
	// Each publish takes the index, topic and metrics locks.
	if lm.Acquisitions < uint64(3*total) {
		t.Errorf("lock acquisitions %d, want at least %d", lm.Acquisitions, 3*total)
	}
	if lm.Wait.Count != lm.Acquisitions || lm.Timeouts != 0 {
		t.Errorf("lock metrics inconsistent: %+v", lm)
	}
	t.Logf("lock metrics: %d acquisitions, %d contended, mean wait %.2fms", lm.Acquisitions, lm.Contended, lm.Wait.Mean())
	topics, err := st.Topics(TopicPublished)
	if err != nil {
		t.Fatal(err)
	}
	var attempts uint64
	for _, tp := range topics {
		attempts += tp.Attempts
	}
	if len(topics) != 5 || attempts != uint64(total) {
		t.Errorf("topics: %d published with %d attempts, want 5 with %d", len(topics), attempts, total)
	}
	mustVerifyOK(t, st)
}
