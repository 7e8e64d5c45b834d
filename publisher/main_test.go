package publisher

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/atomicjson/atomicjson/atomicfs"
)

// childEnv selects a child mode when the test binary re-executes itself for a multi-process or
// kill -9 test.
const childEnv = "PUBLISHER_TEST_CHILD"

func TestMain(m *testing.M) {
	mode := os.Getenv(childEnv)
	if mode == "" {
		os.Exit(m.Run())
	}
	child := children[mode]
	if child == nil {
		fmt.Fprintf(os.Stderr, "unknown %s=%q\n", childEnv, mode)
		os.Exit(2)
	}
	os.Exit(child())
}

// children are the child modes, by the value of childEnv.
var children = map[string]func() int{"multi": multiChild}

// newStore opens a store in a fresh directory, with a clock that advances one second per call so
// that timestamps are distinct and predictable.
func newStore(t *testing.T, opts ...Option) *Store {
	t.Helper()
	var mu sync.Mutex
	clock := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tick := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		clock = clock.Add(time.Second)
		return clock
	}
	st, err := Open(t.TempDir(), append([]Option{WithClock(tick)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func post(slug, topic, body string) Post {
	return Post{Slug: slug, Title: "Title of " + slug, Topic: topic, Tags: []string{"t1"}, Body: body}
}

func mustPublish(t *testing.T, st *Store, p Post) Result {
	t.Helper()
	res, err := st.Publish(context.Background(), p)
	if err != nil {
		t.Fatalf("Publish(%s): %v", p.Slug, err)
	}
	return res
}

func mustVerifyOK(t *testing.T, st *Store) *Report {
	t.Helper()
	rep, err := st.Verify(context.Background())
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if !rep.OK() {
		t.Fatalf("Verify found problems:\n%s", problems(rep.Problems))
	}
	return rep
}

func problems(ps []Problem) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "  %s\n", p)
	}
	return b.String()
}

// replaceFile gives a file of the root new bytes, as a corruption would. It goes through atomicfs
// so that the test itself never writes JSON non-atomically.
func replaceFile(t *testing.T, st *Store, rel string, data []byte) {
	t.Helper()
	if err := atomicfs.WriteFile(st.abs(rel), data, 0o644, atomicfs.WithMkdirAll(0o755)); err != nil {
		t.Fatal(err)
	}
}

func readRel(t *testing.T, st *Store, rel string) []byte {
	t.Helper()
	data, err := os.ReadFile(st.abs(rel))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func exists(st *Store, rel string) bool {
	_, err := os.Lstat(st.abs(rel))
	return err == nil
}

// allJSONParses checks that every .json file under root parses.
func allJSONParses(root string) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if !json.Valid(data) {
			return fmt.Errorf("%s does not parse (%d bytes): %.80q", path, len(data), data)
		}
		return nil
	})
}

// quarantined lists the files in the quarantine directory.
func quarantinedFiles(t *testing.T, st *Store) []string {
	t.Helper()
	ents, err := os.ReadDir(st.abs(QuarantineDir))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}
