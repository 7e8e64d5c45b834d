package publisher

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// seed publishes three posts in two topics and returns the index bytes.
func seed(t *testing.T, st *Store) []byte {
	t.Helper()
	mustPublish(t, st, post("alpha", "go", "alpha body"))
	mustPublish(t, st, post("beta", "go", "beta body"))
	mustPublish(t, st, post("gamma", "rust", "gamma body"))
	return readRel(t, st, IndexFile)
}

func truncated(t *testing.T, st *Store, rel string) []byte {
	data := readRel(t, st, rel)
	return data[:len(data)/2]
}

// writeValidPost writes a valid post file behind the index's back, as a crash between writing a
// post and indexing it would leave it.
func writeValidPost(t *testing.T, st *Store, slug, body string) {
	t.Helper()
	sp := StoredPost{Post: post(slug, "go", body), PublishedAt: st.timestamp(), UpdatedAt: st.timestamp()}
	data, err := encodePost(sp)
	if err != nil {
		t.Fatal(err)
	}
	replaceFile(t, st, PostPath(slug), data)
}

func TestRecover(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		corrupt func(t *testing.T, st *Store, index []byte)
		want    RecoverAction
		reason  string // substring of the report's reason
	}{
		{"valid index", func(*testing.T, *Store, []byte) {}, RecoverNotNeeded, "valid"},
		{"truncated index, matching backup", func(t *testing.T, st *Store, index []byte) {
			replaceFile(t, st, BackupFile, index)
			replaceFile(t, st, IndexFile, truncated(t, st, IndexFile))
		}, RecoverRestored, "backup matches"},
		{"garbled index, stale backup", func(t *testing.T, st *Store, index []byte) {
			replaceFile(t, st, IndexFile, bytes.ReplaceAll(index, []byte(`"`), []byte(`'`)))
		}, RecoverRebuilt, "does not match"},
		{"missing index, matching backup", func(t *testing.T, st *Store, index []byte) {
			replaceFile(t, st, BackupFile, index)
			removeRel(t, st, IndexFile)
		}, RecoverRestored, "missing"},
		{"index and backup both corrupt", func(t *testing.T, st *Store, index []byte) {
			replaceFile(t, st, BackupFile, []byte("\x00\x00\x00"))
			replaceFile(t, st, IndexFile, []byte(`{"version":1,"posts":[{"slug":"../x"}]}`))
		}, RecoverRebuilt, "backup is unusable"},
		{"index parses but is not an index", func(t *testing.T, st *Store, index []byte) {
			replaceFile(t, st, IndexFile, []byte(`[1,2,3]`))
		}, RecoverRebuilt, "corrupt"},
		{"index missing, no backup", func(t *testing.T, st *Store, index []byte) {
			removeRel(t, st, BackupFile)
			removeRel(t, st, IndexFile)
		}, RecoverRebuilt, "no backup"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newStore(t)
			index := seed(t, st)
			tt.corrupt(t, st, index)
			rep, err := st.Recover(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Action != tt.want || !strings.Contains(rep.Reason, tt.reason) || rep.Posts != 3 {
				t.Fatalf("Recover = %+v, want action %s, reason containing %q, 3 posts", rep, tt.want, tt.reason)
			}
			// Restored or rebuilt, the index is exactly what it was: it derives from the posts.
			if got := readRel(t, st, IndexFile); !bytes.Equal(got, index) {
				t.Errorf("index after Recover differs from the original:\n%s\nwant\n%s", got, index)
			}
			mustVerifyOK(t, st)
		})
	}
}

func removeRel(t *testing.T, st *Store, rel string) {
	t.Helper()
	if err := os.Remove(st.abs(rel)); err != nil {
		t.Fatal(err)
	}
}

func TestRebuildQuarantinesCorruptPosts(t *testing.T) {
	st := newStore(t)
	seed(t, st)
	replaceFile(t, st, PostPath("beta"), truncated(t, st, PostPath("beta")))
	replaceFile(t, st, "blog/Bad-Name.json", []byte(`{}`))
	before := readRel(t, st, IndexFile)

	rep, err := st.Rebuild(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Posts != 2 || len(rep.Quarantined) != 2 {
		t.Fatalf("Rebuild = %+v, want 2 posts and 2 quarantined", rep)
	}
	got := quarantinedFiles(t, st)
	if !slices.Equal(got, []string{"Bad-Name.json.corrupt", "beta.json.corrupt"}) {
		t.Errorf("quarantine = %v", got)
	}
	if !bytes.Equal(readRel(t, st, BackupFile), before) {
		t.Errorf("Rebuild did not back up the old index")
	}
	entries, _ := st.List()
	if len(entries) != 2 || entries[0].Slug != "alpha" || entries[1].Slug != "gamma" {
		t.Errorf("index after Rebuild = %+v", entries)
	}
	mustVerifyOK(t, st)

	rep, err = st.Rebuild(context.Background())
	if err != nil || !rep.Unchanged {
		t.Errorf("second Rebuild = %+v, %v, want unchanged", rep, err)
	}
}

func TestVerifyAndRepair(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		corrupt  func(t *testing.T, st *Store)
		problems []ProblemKind
		actions  []string
		check    func(t *testing.T, st *Store)
	}{
		{"truncated index", func(t *testing.T, st *Store) {
			replaceFile(t, st, IndexFile, truncated(t, st, IndexFile))
		}, []ProblemKind{ProblemInvalidJSON}, []string{"quarantined", "rebuilt"}, nil},
		{"garbled backup", func(t *testing.T, st *Store) {
			replaceFile(t, st, BackupFile, []byte("garbage"))
		}, []ProblemKind{ProblemInvalidJSON}, []string{"quarantined", "replaced-backup"}, func(t *testing.T, st *Store) {
			if !bytes.Equal(readRel(t, st, BackupFile), readRel(t, st, IndexFile)) {
				t.Errorf("backup is not a copy of the index")
			}
		}},
		{"truncated post", func(t *testing.T, st *Store) {
			replaceFile(t, st, PostPath("beta"), truncated(t, st, PostPath("beta")))
		}, []ProblemKind{ProblemInvalidJSON}, []string{"quarantined", "dropped-entry"}, func(t *testing.T, st *Store) {
			if exists(st, PostPath("beta")) || !exists(st, QuarantineDir+"/beta.json.corrupt") {
				t.Errorf("corrupt post not quarantined")
			}
		}},
		{"post fails validation", func(t *testing.T, st *Store) {
			replaceFile(t, st, PostPath("beta"), []byte(`{"slug":"beta","title":"","topic":"go","body":"x","publishedAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-01T00:00:00Z"}`))
		}, []ProblemKind{ProblemInvalidPost}, []string{"quarantined", "dropped-entry"}, nil},
		{"index and backup both corrupt", func(t *testing.T, st *Store) {
			replaceFile(t, st, IndexFile, truncated(t, st, IndexFile))
			replaceFile(t, st, BackupFile, []byte("\x00"))
		}, []ProblemKind{ProblemInvalidJSON, ProblemInvalidJSON}, []string{"quarantined", "quarantined", "rebuilt"}, func(t *testing.T, st *Store) {
			if !bytes.Equal(readRel(t, st, BackupFile), readRel(t, st, IndexFile)) {
				t.Errorf("backup is not a copy of the rebuilt index")
			}
			if q := quarantinedFiles(t, st); len(q) != 2 {
				t.Errorf("quarantine = %v, want the index and the backup", q)
			}
		}},
		{"truncated metrics", func(t *testing.T, st *Store) {
			replaceFile(t, st, MetricsFile, truncated(t, st, MetricsFile))
		}, []ProblemKind{ProblemInvalidJSON}, []string{"quarantined", "reset-metrics"}, func(t *testing.T, st *Store) {
			mustPublish(t, st, post("delta", "go", "delta body"))
			if m, err := st.Metrics(); err != nil || m.Successes != 1 {
				t.Errorf("metrics after reset and one publish = %+v, %v", m, err)
			}
		}},
		{"metrics of the wrong shape", func(t *testing.T, st *Store) {
			replaceFile(t, st, LockMetricsFile, []byte(`{"acquisitions":"many"}`))
		}, []ProblemKind{ProblemInvalidFile}, []string{"quarantined", "reset-metrics"}, nil},
		{"garbled topic index", func(t *testing.T, st *Store) {
			replaceFile(t, st, TopicIndexFile, []byte(`{"version":1,"topics":{"go":`))
		}, []ProblemKind{ProblemInvalidJSON}, []string{"quarantined", "rebuilt-topics", "added-topic", "added-topic"}, func(t *testing.T, st *Store) {
			if tp, err := st.Topics(TopicPublished); err != nil || len(tp) != 2 {
				t.Errorf("topics after repair = %+v, %v", tp, err)
			}
		}},
		{"unindexed post", func(t *testing.T, st *Store) {
			writeValidPost(t, st, "orphan", "orphan body")
		}, []ProblemKind{ProblemUnindexed}, []string{"indexed-post"}, nil},
		{"entry without post", func(t *testing.T, st *Store) {
			removeRel(t, st, PostPath("beta"))
		}, []ProblemKind{ProblemDangling}, []string{"dropped-entry"}, nil},
		{"post changed behind the index", func(t *testing.T, st *Store) {
			writeValidPost(t, st, "beta", "changed body")
		}, []ProblemKind{ProblemMismatch}, []string{"reindexed-post"}, func(t *testing.T, st *Store) {
			if sp, _ := st.Get("beta"); sp.Body != "changed body" {
				t.Errorf("post content lost: %q", sp.Body)
			}
		}},
		{"topic missing", func(t *testing.T, st *Store) {
			replaceFile(t, st, TopicIndexFile, []byte(`{"version":1,"topics":{}}`))
		}, []ProblemKind{ProblemTopicMissing, ProblemTopicMissing}, []string{"added-topic", "added-topic"}, nil},
		{"temp files left behind", func(t *testing.T, st *Store) {
			replaceFile(t, st, "_system/.contentIndex.json.tmp-0123456789ab", []byte(`{"ver`))
			replaceFile(t, st, "blog/.alpha.json.tmp-abcdefghijkl", nil)
		}, []ProblemKind{ProblemTempFile, ProblemTempFile}, []string{"removed-temp", "removed-temp"}, nil},
		{"stray corrupt JSON file", func(t *testing.T, st *Store) {
			replaceFile(t, st, "notes.json", []byte(`{`))
		}, []ProblemKind{ProblemInvalidJSON}, []string{"quarantined"}, nil},
		{"index missing", func(t *testing.T, st *Store) {
			removeRel(t, st, IndexFile)
		}, []ProblemKind{ProblemIndexMissing}, []string{"rebuilt"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newStore(t)
			seed(t, st)
			posts := map[string][]byte{}
			for _, slug := range []string{"alpha", "beta", "gamma"} {
				posts[slug] = readRel(t, st, PostPath(slug))
			}
			tt.corrupt(t, st)

			rep, err := st.Verify(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var kinds []ProblemKind
			for _, p := range rep.Problems {
				kinds = append(kinds, p.Kind)
			}
			if !slices.Equal(kinds, tt.problems) {
				t.Errorf("Verify problems = %v, want %v:\n%s", kinds, tt.problems, problems(rep.Problems))
			}

			rr, err := st.Repair(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var actions []string
			for _, c := range rr.Changes {
				actions = append(actions, c.Action)
			}
			if !slices.Equal(actions, tt.actions) {
				t.Errorf("Repair changes = %v, want %v:\n%s", actions, tt.actions, changes(rr.Changes))
			}
			if !rr.OK() {
				t.Errorf("problems remain after Repair:\n%s", problems(rr.Remaining))
			}
			mustVerifyOK(t, st)

			// Nothing valid is deleted: every post that was intact still is.
			for slug, data := range posts {
				got, err := st.readFile(PostPath(slug))
				if err != nil {
					t.Fatal(err)
				}
				if got == nil && !exists(st, QuarantineDir+"/"+slug+".json.corrupt") && tt.name != "entry without post" {
					t.Errorf("%s was deleted", slug)
				}
				if got != nil && !bytes.Equal(got, data) && tt.name != "post changed behind the index" {
					t.Errorf("%s was changed", slug)
				}
			}
			if tt.check != nil {
				tt.check(t, st)
			}
			if rr, err := st.Repair(ctx); err != nil || len(rr.Changes) != 0 {
				t.Errorf("second Repair changed %v, %v", changes(rr.Changes), err)
			}
		})
	}
}

func changes(cs []Change) string {
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "  %s\n", c)
	}
	return b.String()
}

func TestVerifyFreshAndMissingRoot(t *testing.T) {
	st := newStore(t)
	rep := mustVerifyOK(t, st)
	if rep.Posts != 0 {
		t.Errorf("fresh root: %+v", rep)
	}
	if exists(st, SystemDir) {
		t.Errorf("Verify of a fresh root created %s", SystemDir)
	}
	missing, _ := Open(st.abs("nope"))
	if _, err := missing.Verify(context.Background()); err == nil {
		t.Errorf("Verify of a missing root succeeded")
	}
	if rr, err := st.Repair(context.Background()); err != nil || len(rr.Changes) != 0 || !rr.OK() {
		t.Errorf("Repair of a fresh root = %+v, %v", rr, err)
	}
}

func TestCleanTemps(t *testing.T) {
	st := newStore(t)
	seed(t, st)
	replaceFile(t, st, "blog/.alpha.json.tmp-000000000001", []byte("{"))
	replaceFile(t, st, "_system/.topicIndex.json.tmp-000000000002", []byte("{"))
	replaceFile(t, st, "blog/keep.txt", []byte("not a temp"))
	replaceFile(t, st, "blog/.notes.tmp-short", []byte("not ours: wrong suffix"))
	removed, err := st.CleanTemps(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(removed)
	if !slices.Equal(removed, []string{"_system/.topicIndex.json.tmp-000000000002", "blog/.alpha.json.tmp-000000000001"}) {
		t.Errorf("CleanTemps removed %v", removed)
	}
	if !exists(st, "blog/keep.txt") || !exists(st, "blog/.notes.tmp-short") {
		t.Errorf("CleanTemps removed a file that is not a temp file")
	}
	mustVerifyOK(t, st)
}
