package publisher

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/atomicjson/atomicjson/atomicfs"
)

// TestRepairWithoutSystemDir removes the whole system directory of a root with posts: Verify
// reports the missing index, and Repair (which used to answer "nothing to repair") rebuilds the
// index, the topic records and everything else, losing no post.
func TestRepairWithoutSystemDir(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	seed(t, st)
	if err := os.RemoveAll(st.abs(SystemDir)); err != nil {
		t.Fatal(err)
	}
	rep, err := st.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(rep.Problems, func(p Problem) bool { return p.Kind == ProblemIndexMissing }) {
		t.Fatalf("Verify without %s: %s, want %s", SystemDir, problems(rep.Problems), ProblemIndexMissing)
	}
	rr, err := st.Repair(ctx)
	if err != nil {
		t.Fatalf("Repair: %v", err)
	}
	if !rr.OK() || len(rr.Changes) == 0 {
		t.Fatalf("Repair: changes %s remaining %s", changes(rr.Changes), problems(rr.Remaining))
	}
	mustVerifyOK(t, st)
	entries, err := st.List()
	if err != nil || len(entries) != 3 {
		t.Fatalf("List after Repair = %v, %v; want the 3 posts", entries, err)
	}
	topics, err := st.Topics()
	if err != nil || len(topics) != 2 {
		t.Fatalf("Topics after Repair = %v, %v; want go and rust", topics, err)
	}
}

// damageKinds are the ways TestRepairRandomDamage breaks a root.
var damageKinds = []string{"delete", "truncate", "garble", "temp", "rmdir", "junk"}

// damage breaks root once, as chosen by rng, and says what it did.
func damage(t *testing.T, rng *rand.Rand, root string) string {
	t.Helper()
	var files, dirs []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		switch {
		case rel == ".":
		case d.IsDir():
			dirs = append(dirs, rel)
		default:
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	kind := damageKinds[rng.IntN(len(damageKinds))]
	if len(files) == 0 {
		kind = "junk"
	}
	pick := func(list []string) string { return list[rng.IntN(len(list))] }
	switch kind {
	case "delete":
		f := pick(files)
		must(t, os.Remove(filepath.Join(root, f)))
		return "deleted " + f
	case "truncate":
		f := pick(files)
		fi, err := os.Stat(filepath.Join(root, f))
		must(t, err)
		n := int64(0)
		if fi.Size() > 0 {
			n = rng.Int64N(fi.Size())
		}
		must(t, os.Truncate(filepath.Join(root, f), n))
		return fmt.Sprintf("truncated %s to %d bytes", f, n)
	case "garble":
		f := pick(files)
		data, err := os.ReadFile(filepath.Join(root, f))
		must(t, err)
		if len(data) == 0 {
			data = []byte("x")
		}
		for range 1 + rng.IntN(3) {
			data[rng.IntN(len(data))] = byte(rng.IntN(256))
		}
		must(t, atomicfs.WriteFile(filepath.Join(root, f), data, 0o644))
		return "garbled " + f
	case "temp":
		dir := filepath.Join(root, pick(append(dirs, ".")))
		suffix := make([]byte, 12)
		for i := range suffix {
			suffix[i] = "0123456789abcdefghijklmnopqrstuvwxyz"[rng.IntN(36)]
		}
		name := ".x.json.tmp-" + string(suffix)
		if !atomicfs.IsTemp(name) {
			t.Fatalf("%s is not a temp file name", name)
		}
		must(t, atomicfs.WriteFile(filepath.Join(dir, name), []byte(`{"half`), 0o644))
		return "stray temp " + filepath.Join(dir, name)
	case "rmdir":
		if len(dirs) == 0 {
			return "no directory to remove"
		}
		d := pick(dirs)
		must(t, os.RemoveAll(filepath.Join(root, d)))
		return "removed directory " + d
	default: // junk: a .json file that does not parse, in the system directory or among the posts
		d := pick([]string{SystemDir, PostsDir})
		must(t, os.MkdirAll(filepath.Join(root, d), 0o755))
		must(t, atomicfs.WriteFile(filepath.Join(root, d, "junk.json"), []byte("{not json"), 0o644))
		return "junk in " + d
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// validPosts returns the bytes of every post file that decodes and validates, by slug.
func validPosts(t *testing.T, st *Store) map[string][]byte {
	t.Helper()
	posts, _, err := st.scanPosts()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for slug, p := range posts {
		out[slug] = p.data
	}
	return out
}

// TestRepairRandomDamage breaks a populated root in random ways (files deleted, truncated,
// garbled; stray temp files; directories removed; junk JSON) and checks that Repair then brings
// Verify to OK, with every post that was still valid after the damage published unchanged.
func TestRepairRandomDamage(t *testing.T) {
	rounds := 300
	if testing.Short() {
		rounds = 40
	}
	ctx := context.Background()
	for round := range rounds {
		rng := rand.New(rand.NewPCG(uint64(round), 11))
		st := newStore(t)
		for i := range 2 + rng.IntN(5) {
			mustPublish(t, st, post(fmt.Sprintf("post-%d", i), fmt.Sprintf("topic-%d", i%3), fmt.Sprintf("body %d", i)))
		}
		mustPublish(t, st, post("post-0", "topic-0", "updated body")) // a backup that differs from the index
		var did []string
		for range 1 + rng.IntN(4) {
			did = append(did, damage(t, rng, st.Root()))
		}
		want := validPosts(t, st)
		rep, err := st.Repair(ctx)
		if err != nil {
			t.Fatalf("round %d after %q: Repair: %v", round, did, err)
		}
		if !rep.OK() {
			t.Fatalf("round %d after %q: Repair left %s (changes: %s)", round, did, problems(rep.Remaining), changes(rep.Changes))
		}
		v, err := st.Verify(ctx)
		if err != nil || !v.OK() {
			t.Fatalf("round %d after %q: Verify after Repair: %v %v", round, did, err, v)
		}
		if err := allJSONParses(st.Root()); err != nil {
			t.Fatalf("round %d after %q: %v", round, did, err)
		}
		entries, err := st.List()
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != len(want) {
			t.Errorf("round %d after %q: %d posts indexed, want the %d valid ones", round, did, len(entries), len(want))
		}
		for slug, data := range want {
			got, err := os.ReadFile(st.abs(PostPath(slug)))
			if err != nil || !bytes.Equal(got, data) {
				t.Errorf("round %d after %q: valid post %s lost or changed by Repair: %v", round, did, slug, err)
			}
			if _, ok := slices.BinarySearchFunc(entries, slug, func(e Entry, s string) int { return strings.Compare(e.Slug, s) }); !ok {
				t.Errorf("round %d after %q: valid post %s not indexed", round, did, slug)
			}
		}
	}
}

// TestRepairLockTimeoutNamesTheLock holds the publish metrics' lock while Repair needs all of the
// system files' locks: Repair fails with CodeLockTimeout naming that file, not a wrapper of the
// locks it did take.
func TestRepairLockTimeoutNamesTheLock(t *testing.T) {
	st := newStore(t, WithLockTimeout(50*time.Millisecond))
	seed(t, st)
	must(t, os.Remove(st.abs(IndexFile)))
	held, release := make(chan struct{}), make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		updateRaw(st, context.Background(), &lockRecorder{}, MetricsFile, func([]byte) ([]byte, error) {
			close(held)
			<-release
			return nil, atomicfs.SkipWrite
		})
	}()
	<-held
	_, err := st.Repair(context.Background())
	close(release)
	<-done
	if CodeOf(err) != CodeLockTimeout || !strings.Contains(err.Error(), MetricsFile) || strings.Contains(err.Error(), "locked work failed") {
		t.Fatalf("Repair while the metrics are locked: %v (code %s), want %s naming %s", err, CodeOf(err), CodeLockTimeout, MetricsFile)
	}
}
