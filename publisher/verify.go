package publisher

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/atomicjson/atomicjson/atomicfs"
)

// ProblemKind classifies a Verify finding.
type ProblemKind string

// The invariants Verify checks, one kind per way they can fail.
const (
	ProblemInvalidJSON  ProblemKind = "invalid-json"       // a .json file does not parse
	ProblemInvalidFile  ProblemKind = "invalid-file"       // a system file parses but is not what it must be
	ProblemInvalidPost  ProblemKind = "invalid-post"       // a post file parses but fails validation
	ProblemIndexMissing ProblemKind = "index-missing"      // there are posts but no content index
	ProblemDangling     ProblemKind = "entry-without-post" // an index entry whose post file is gone
	ProblemMismatch     ProblemKind = "checksum-mismatch"  // an index entry that does not match its post file
	ProblemUnindexed    ProblemKind = "post-not-indexed"   // a valid post file missing from the index
	ProblemTopicMissing ProblemKind = "topic-missing"      // an indexed post's topic has no topic record
	ProblemTempFile     ProblemKind = "temp-file"          // a temp file left behind by a crashed writer
)

// Problem is one failed invariant.
type Problem struct {
	Kind   ProblemKind
	Path   string // the file concerned, relative to the root
	Detail string
}

// String renders the problem on one line: "path: kind: detail".
func (p Problem) String() string { return fmt.Sprintf("%s: %s: %s", p.Path, p.Kind, p.Detail) }

// Report is the result of Verify.
type Report struct {
	Posts    int // valid post files
	Indexed  int // entries in the content index
	Problems []Problem
}

// OK reports whether every invariant holds.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// Verify checks the content root like fsck: every index entry has its post file with the same
// checksum, every valid post is indexed, every indexed topic has a record, every .json file parses
// and every system file decodes, and no temp files are left.
//
// Verify is exact while other Stores, in any process, keep publishing: it holds shared locks on
// all system files while it looks (see the package doc), so it never reports a state that is only
// an operation in flight, and whatever it reports no operation in flight can explain. Verify
// writes nothing, not even its lock statistics, and needs only read access: it checks a root on a
// read-only mount, or for a user who may not write it, completely (on Windows, where locks are
// sidecar files, atomicfs.View creates a missing one). A failed invariant is a Problem in the
// report, not an error.
func (s *Store) Verify(ctx context.Context) (*Report, error) {
	if _, err := os.Stat(s.root); err != nil {
		return nil, wrap("verify", "", fmt.Errorf("content root: %w", err))
	}
	for {
		hadSystem := s.exists(SystemDir)
		var rep *Report
		err := s.viewSystem(ctx, func(cur systemFiles) error {
			var err error
			rep, err = s.check(cur)
			return err
		})
		if err != nil {
			return nil, wrap("verify", "", err)
		}
		// Without a system directory there were no locks to take. Every publish creates it before
		// it writes anything else, so if it is still missing no publish ran while we looked; if it
		// appeared, a first publish may have been half-way: look again, under its locks.
		if hadSystem || !s.exists(SystemDir) {
			return rep, nil
		}
	}
}

// check computes the Verify report from the system files cur, read under the shared locks its
// caller holds, and the rest of the root.
func (s *Store) check(cur systemFiles) (*Report, error) {
	rep := &Report{}
	add := func(k ProblemKind, rel, format string, args ...any) {
		rep.Problems = append(rep.Problems, Problem{Kind: k, Path: rel, Detail: fmt.Sprintf(format, args...)})
	}
	unparsable := map[string]bool{}
	err := s.walkFiles(func(rel string) error {
		base := filepath.Base(rel)
		switch {
		case atomicfs.IsTemp(base):
			add(ProblemTempFile, rel, "left behind by an interrupted write")
		case strings.HasSuffix(base, ".json"):
			data, err := os.ReadFile(s.abs(rel))
			if errors.Is(err, fs.ErrNotExist) {
				return nil // a file quarantined or removed by a Store (under the locks we hold, so: before we looked)
			}
			if err != nil {
				return &fileError{Path: rel, Step: "read", Err: err}
			}
			if !json.Valid(data) {
				unparsable[rel] = true
				add(ProblemInvalidJSON, rel, "does not parse as JSON (%d bytes)", len(data))
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}

	posts, bad, err := s.scanPosts()
	if err != nil {
		return nil, err
	}
	rep.Posts = len(posts)
	badSlug := map[string]bool{}
	for _, b := range bad {
		slug, _ := slugFromPostName(filepath.Base(b.rel))
		badSlug[slug] = true
		if !unparsable[b.rel] {
			add(ProblemInvalidPost, b.rel, "%s", b.reason)
		}
	}

	// The content index against the posts.
	var topics []string
	idx, ierr := decodeIndex(cur.Index)
	switch {
	case cur.Index == nil && len(posts) > 0:
		add(ProblemIndexMissing, IndexFile, "%d posts but no content index", len(posts))
	case ierr != nil:
		if !unparsable[IndexFile] {
			add(ProblemInvalidFile, IndexFile, "%v", ierr)
		}
	}
	if cur.Index != nil && ierr == nil {
		rep.Indexed = len(idx.Posts)
		for _, e := range idx.Posts {
			topics = append(topics, e.Topic)
			p, ok := posts[e.Slug]
			switch {
			case badSlug[e.Slug]:
				// Reported as an invalid post already.
			case !ok:
				add(ProblemDangling, PostPath(e.Slug), "indexed but the post file is missing")
			case !e.equal(entryFor(p.sp, p.data)):
				add(ProblemMismatch, PostPath(e.Slug), "index entry (sha256 %.12s…) does not match the post file (sha256 %.12s…)", e.SHA256, checksum(p.data))
			}
		}
		for slug := range posts {
			if _, ok := idx.Get(slug); !ok {
				add(ProblemUnindexed, PostPath(slug), "valid post file missing from the content index")
			}
		}
	}

	// The other system files must decode as what they are.
	if data, err := s.readFile(BackupFile); err != nil {
		return nil, &fileError{Path: BackupFile, Step: "read", Err: err}
	} else if _, berr := decodeIndex(data); data != nil && berr != nil && !unparsable[BackupFile] {
		add(ProblemInvalidFile, BackupFile, "%v", berr)
	}
	ti, terr := decodeTopics(cur.Topics)
	if terr != nil && !unparsable[TopicIndexFile] {
		add(ProblemInvalidFile, TopicIndexFile, "%v", terr)
	}
	if terr == nil {
		slices.Sort(topics)
		for _, t := range slices.Compact(topics) {
			if ti.Topics[t] == nil {
				add(ProblemTopicMissing, TopicIndexFile, "topic %q of indexed posts has no record", t)
			}
		}
	}
	if err := decodeMetrics(cur.Metrics, &Metrics{}, MetricsFile); err != nil && !unparsable[MetricsFile] {
		add(ProblemInvalidFile, MetricsFile, "%v", err)
	}
	if err := decodeMetrics(cur.LockMetrics, &LockMetrics{}, LockMetricsFile); err != nil && !unparsable[LockMetricsFile] {
		add(ProblemInvalidFile, LockMetricsFile, "%v", err)
	}
	slices.SortStableFunc(rep.Problems, func(a, b Problem) int { return strings.Compare(a.Path, b.Path) })
	return rep, nil
}
