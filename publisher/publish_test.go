package publisher

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/atomicjson/atomicjson/atomicfs"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestPublishCreateUnchangedUpdate(t *testing.T) {
	st := newStore(t)
	p := post("hello", "go", "first body")

	res := mustPublish(t, st, p)
	if res.Status != Created || res.Path != "blog/hello.json" {
		t.Fatalf("first publish: %+v", res)
	}
	file := readRel(t, st, res.Path)
	if res.Entry.SHA256 != checksum(file) {
		t.Errorf("entry checksum %s, file checksum %s", res.Entry.SHA256, checksum(file))
	}
	if exists(st, BackupFile) {
		t.Errorf("backup written although there was no index before")
	}
	index1 := readRel(t, st, IndexFile)

	// Same content again: nothing is written, not even the backup.
	res2 := mustPublish(t, st, p)
	if res2.Status != Unchanged || !res2.Entry.equal(res.Entry) {
		t.Fatalf("republish: %+v", res2)
	}
	if !bytes.Equal(readRel(t, st, res.Path), file) || !bytes.Equal(readRel(t, st, IndexFile), index1) {
		t.Errorf("republishing the same content rewrote files")
	}

	// New content: publishedAt kept, updatedAt moves, the old index is backed up.
	p.Body = "second body"
	res3 := mustPublish(t, st, p)
	if res3.Status != Updated {
		t.Fatalf("update: %+v", res3)
	}
	if !res3.Entry.PublishedAt.Equal(res.Entry.PublishedAt) || !res3.Entry.UpdatedAt.After(res.Entry.UpdatedAt) {
		t.Errorf("update times: published %v → %v, updated %v → %v", res.Entry.PublishedAt, res3.Entry.PublishedAt, res.Entry.UpdatedAt, res3.Entry.UpdatedAt)
	}
	if !bytes.Equal(readRel(t, st, BackupFile), index1) {
		t.Errorf("backup is not the index as it was before the update")
	}
	got, err := st.Get("hello")
	if err != nil || got.Body != "second body" || !got.PublishedAt.Equal(res.Entry.PublishedAt) {
		t.Errorf("Get = %+v, %v", got, err)
	}
	entries, err := st.List()
	if err != nil || len(entries) != 1 || !entries[0].equal(res3.Entry) {
		t.Errorf("List = %+v, %v", entries, err)
	}

	m, err := st.Metrics()
	if err != nil {
		t.Fatal(err)
	}
	if m.Attempts != 3 || m.Successes != 3 || m.FailureCount() != 0 || m.Duration.Count != 3 {
		t.Errorf("metrics = %+v", m)
	}
	topics, err := st.Topics()
	if err != nil || len(topics) != 1 || topics[0].Name != "go" || topics[0].Status != TopicPublished || topics[0].Attempts != 3 {
		t.Errorf("Topics = %+v, %v", topics, err)
	}
	lm, err := st.LockMetrics()
	if err != nil || lm.Acquisitions != 10 || lm.Wait.Count != 10 {
		t.Errorf("lock metrics = %+v, %v (want 10 acquisitions: index, topic, metrics × 3, and the creation of the topic index)", lm, err)
	}
	mustVerifyOK(t, st)
}

func TestPublishCorruptIndexFails(t *testing.T) {
	st := newStore(t)
	mustPublish(t, st, post("a", "go", "body"))
	replaceFile(t, st, IndexFile, []byte(`{"version":1,"posts":[`))

	_, err := st.Publish(context.Background(), post("b", "go", "body"))
	var pe *Error
	if !errors.As(err, &pe) || pe.Code != CodeIndexCorrupt || !errors.Is(err, ErrIndexCorrupt) || pe.Slug != "b" {
		t.Fatalf("Publish with a corrupt index: %v, want an *Error with code %s", err, CodeIndexCorrupt)
	}
	if exists(st, PostPath("b")) {
		t.Errorf("post file written although the index update failed")
	}
	topics, _ := st.Topics(TopicFailed)
	if len(topics) != 1 || topics[0].LastErrorCode != CodeIndexCorrupt || topics[0].LastError == "" {
		t.Errorf("topic not marked failed with the code: %+v", topics)
	}
	m, _ := st.Metrics()
	if m.Attempts != 2 || m.Successes != 1 || m.Failures[CodeIndexCorrupt] != 1 {
		t.Errorf("metrics = %+v", m)
	}
	if _, err := st.List(); CodeOf(err) != CodeIndexCorrupt {
		t.Errorf("List: %v", err)
	}
}

func TestPublishCanceled(t *testing.T) {
	st := newStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := st.Publish(ctx, post("a", "go", "body"))
	if CodeOf(err) != CodeCanceled || !errors.Is(err, context.Canceled) {
		t.Fatalf("Publish with a canceled context: %v", err)
	}
	if exists(st, PostPath("a")) {
		t.Errorf("post written")
	}
	// The attempt still counts.
	if m, _ := st.Metrics(); m.Failures[CodeCanceled] != 1 {
		t.Errorf("metrics = %+v", m)
	}
}

func TestPublishLockTimeout(t *testing.T) {
	st := newStore(t, WithLockTimeout(50*time.Millisecond))
	mustPublish(t, st, post("a", "go", "body"))
	held := make(chan struct{})
	release := make(chan struct{})
	go func() {
		// Hold the index lock from "another publisher".
		updateRaw(st, context.Background(), &lockRecorder{}, IndexFile, func([]byte) ([]byte, error) {
			close(held)
			<-release
			return nil, atomicfs.SkipWrite
		})
	}()
	<-held
	_, err := st.Publish(context.Background(), post("b", "go", "body"))
	close(release)
	if CodeOf(err) != CodeLockTimeout {
		t.Fatalf("Publish while the index is locked: %v, want code %s", err, CodeLockTimeout)
	}
	lm, _ := st.LockMetrics()
	if lm.Timeouts != 1 {
		t.Errorf("lock timeouts = %d, want 1", lm.Timeouts)
	}
}

func TestPublishOverCorruptPostQuarantines(t *testing.T) {
	st := newStore(t)
	mustPublish(t, st, post("a", "go", "body"))
	replaceFile(t, st, PostPath("a"), []byte(`{"slug":"a","tit`))
	res := mustPublish(t, st, post("a", "go", "new body"))
	if res.Status != Updated {
		t.Errorf("status %s", res.Status)
	}
	if q := quarantinedFiles(t, st); len(q) != 1 || q[0] != "a.json.corrupt" {
		t.Errorf("quarantine = %v, want [a.json.corrupt]", q)
	}
	mustVerifyOK(t, st)
}

func TestUnpublish(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	mustPublish(t, st, post("a", "go", "body a"))
	mustPublish(t, st, post("b", "go", "body b"))
	before := readRel(t, st, IndexFile)
	if err := st.Unpublish(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if exists(st, PostPath("a")) {
		t.Errorf("post file still there")
	}
	if !bytes.Equal(readRel(t, st, BackupFile), before) {
		t.Errorf("no backup of the index before the unpublish")
	}
	entries, _ := st.List()
	if len(entries) != 1 || entries[0].Slug != "b" {
		t.Errorf("List = %+v", entries)
	}
	if err := st.Unpublish(ctx, "a"); !errors.Is(err, ErrNotFound) || CodeOf(err) != CodeNotFound {
		t.Errorf("second Unpublish: %v, want not found", err)
	}
	var ve *ValidationError
	if err := st.Unpublish(ctx, "../b"); !errors.As(err, &ve) || ve.Field != "slug" {
		t.Errorf("Unpublish(../b): %v", err)
	}
	if _, err := st.Get("a"); CodeOf(err) != CodeNotFound {
		t.Errorf("Get of an unpublished post: %v", err)
	}
	mustVerifyOK(t, st)
}

func TestTopics(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	tp, err := st.UpsertTopic(ctx, "databases")
	if err != nil || tp.Status != TopicQueued || tp.Attempts != 0 {
		t.Fatalf("UpsertTopic = %+v, %v", tp, err)
	}
	if _, err := st.MarkTopicFailed(ctx, "databases", CodeIO, "disk full"); err != nil {
		t.Fatal(err)
	}
	// Upsert of an existing topic leaves it as it is.
	tp, err = st.UpsertTopic(ctx, "databases")
	if err != nil || tp.Status != TopicFailed || tp.Attempts != 1 || tp.LastErrorCode != CodeIO || tp.LastError != "disk full" {
		t.Fatalf("UpsertTopic of an existing topic = %+v, %v", tp, err)
	}
	if _, err := st.UpsertTopic(ctx, "queued-one"); err != nil {
		t.Fatal(err)
	}
	tp, err = st.MarkTopicPublished(ctx, "go")
	if err != nil || tp.Status != TopicPublished || tp.Attempts != 1 || tp.LastPublishedAt.IsZero() {
		t.Fatalf("MarkTopicPublished = %+v, %v", tp, err)
	}
	tp, _ = st.MarkTopicPublished(ctx, "databases")
	if tp.LastErrorCode != "" || tp.Attempts != 2 {
		t.Errorf("a success does not clear the last error: %+v", tp)
	}
	for _, tt := range []struct {
		status []TopicStatus
		want   []string
	}{
		{nil, []string{"databases", "go", "queued-one"}},
		{[]TopicStatus{TopicQueued}, []string{"queued-one"}},
		{[]TopicStatus{TopicPublished}, []string{"databases", "go"}},
		{[]TopicStatus{TopicFailed}, nil},
	} {
		got, err := st.Topics(tt.status...)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, tp := range got {
			names = append(names, tp.Name)
		}
		if len(names) != len(tt.want) || (len(names) > 0 && names[0] != tt.want[0]) {
			t.Errorf("Topics(%v) = %v, want %v", tt.status, names, tt.want)
		}
	}
	if _, err := st.UpsertTopic(ctx, ""); CodeOf(err) != CodeInvalidPost {
		t.Errorf("UpsertTopic(\"\"): %v", err)
	}
	if _, err := ParseTopicStatus("done"); err == nil {
		t.Errorf("ParseTopicStatus accepted an unknown status")
	}
}

func TestSummary(t *testing.T) {
	var s Summary
	for _, d := range []time.Duration{500 * time.Microsecond, 3 * time.Millisecond, 3 * time.Millisecond, 10 * time.Second} {
		s.observe(d)
	}
	if s.Count != 4 || s.MinMs != 0.5 || s.MaxMs != 10000 || s.SumMs != 10006.5 {
		t.Errorf("summary = %+v", s)
	}
	want := map[string]uint64{"1ms": 1, "5ms": 2, "+Inf": 1}
	for _, b := range s.Buckets {
		if b.Count != want[b.Le] {
			t.Errorf("bucket %s = %d, want %d", b.Le, b.Count, want[b.Le])
		}
	}
}

func TestSizeLimitAppliesToPublishingOnly(t *testing.T) {
	big := newStore(t)
	mustPublish(t, big, post("large", "go", strings.Repeat("x", 2000)))
	small, err := Open(big.Root(), WithMaxPostSize(1000))
	if err != nil {
		t.Fatal(err)
	}
	_, err = small.Publish(context.Background(), post("large-2", "go", strings.Repeat("x", 2000)))
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Field != "body" || !strings.Contains(ve.Reason, "over the limit of 1000") {
		t.Fatalf("Publish over the limit: %v", err)
	}
	// A post published under a larger limit stays valid content: Repair leaves it alone.
	rep, err := small.Repair(context.Background())
	if err != nil || len(rep.Changes) != 0 || !rep.OK() {
		t.Fatalf("Repair = %+v, %v", rep, err)
	}
}

// TestConcurrentUpdatesOfOneSlug races publishers over the same slug: because the post file is
// written under the index lock, the index always ends up describing the file that won.
func TestConcurrentUpdatesOfOneSlug(t *testing.T) {
	st := newStore(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 5 {
				if _, err := st.Publish(context.Background(), post("shared", "go", fmt.Sprintf("writer %d version %d", i, j))); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	mustVerifyOK(t, st)
	if m, _ := st.Metrics(); m.Successes != 40 {
		t.Errorf("successes = %d, want 40", m.Successes)
	}
}

func TestPublishCanceledWhileWaiting(t *testing.T) {
	st := newStore(t)
	mustPublish(t, st, post("first", "go", "body")) // the system files exist: the held lock is the index's own
	held, release := make(chan struct{}), make(chan struct{})
	go func() {
		updateRaw(st, context.Background(), &lockRecorder{}, IndexFile, func([]byte) ([]byte, error) {
			close(held)
			<-release
			return nil, atomicfs.SkipWrite
		})
	}()
	<-held
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	_, err := st.Publish(ctx, post("a", "go", "body"))
	close(release)
	if CodeOf(err) != CodeCanceled || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Publish whose context ends while waiting for the lock: %v (code %s), want %s", err, CodeOf(err), CodeCanceled)
	}
	if lm, _ := st.LockMetrics(); lm.Timeouts != 0 {
		t.Errorf("a canceled wait counted as a lock timeout")
	}
}

func TestUnpublishCorruptPostQuarantines(t *testing.T) {
	st := newStore(t)
	mustPublish(t, st, post("a", "go", "body"))
	replaceFile(t, st, PostPath("a"), []byte("{"))
	if err := st.Unpublish(context.Background(), "a"); err != nil {
		t.Fatal(err)
	}
	if exists(st, PostPath("a")) || !exists(st, QuarantineDir+"/a.json.corrupt") {
		t.Errorf("corrupt post not moved to quarantine")
	}
	mustVerifyOK(t, st)
}
