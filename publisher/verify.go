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
// and every system file decodes, and no temp files are left. It holds all the store's locks while
// it looks, so it sees no half-finished operation of a live publisher. Verify changes nothing; a
// failed invariant is a Problem in the report, not an error.
func (s *Store) Verify(ctx context.Context) (*Report, error) {
	var rep *Report
	err := s.withRootLocks(ctx, func(rec *lockRecorder, locked bool) error {
		if !locked {
			var err error
			rep, err = s.check()
			return err
		}
		return s.withAllLocks(ctx, rec, func([][]byte) ([][]byte, error) {
			var err error
			rep, err = s.check()
			return nil, err
		})
	})
	return rep, wrap("verify", "", err)
}

// withRootLocks runs fn with a lock recorder whose statistics are recorded afterwards. locked says
// whether fn should take the store's locks: a root without a system directory has never been
// written to, and read-only operations should not create one.
func (s *Store) withRootLocks(ctx context.Context, fn func(rec *lockRecorder, locked bool) error) error {
	if _, err := os.Stat(s.root); err != nil {
		return fmt.Errorf("content root: %w", err)
	}
	_, err := os.Stat(s.abs(SystemDir))
	locked := err == nil
	rec := &lockRecorder{}
	err = fn(rec, locked)
	if locked {
		// A lock metrics file that cannot be updated is itself a problem Verify reports and Repair
		// fixes; it must not stop the checking and repairing.
		_ = s.recordLocks(context.WithoutCancel(ctx), rec)
	}
	return err
}

// walkFiles calls fn for every regular file under the root, outside the quarantine directory, with
// its root-relative path.
func (s *Store) walkFiles(fn func(rel string) error) error {
	return filepath.WalkDir(s.root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := s.rel(path)
		if d.IsDir() {
			if rel == QuarantineDir {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		return fn(rel)
	})
}

// check computes the Verify report. Its caller holds the locks.
func (s *Store) check() (*Report, error) {
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
			if err != nil {
				return err
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
	data, err := s.readFile(IndexFile)
	if err != nil {
		return nil, err
	}
	idx, ierr := decodeIndex(data)
	switch {
	case data == nil && len(posts) > 0:
		add(ProblemIndexMissing, IndexFile, "%d posts but no content index", len(posts))
		idx = nil
	case ierr != nil:
		if !unparsable[IndexFile] {
			add(ProblemInvalidFile, IndexFile, "%v", ierr)
		}
	}
	if idx != nil && ierr == nil {
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
		return nil, err
	} else if _, berr := decodeIndex(data); data != nil && berr != nil && !unparsable[BackupFile] {
		add(ProblemInvalidFile, BackupFile, "%v", berr)
	}
	ti, terr := s.readTopics()
	if terr != nil && !unparsable[TopicIndexFile] {
		add(ProblemInvalidFile, TopicIndexFile, "%v", terr)
	}
	if ti != nil {
		slices.Sort(topics)
		for _, t := range slices.Compact(topics) {
			if ti.Topics[t] == nil {
				add(ProblemTopicMissing, TopicIndexFile, "topic %q of indexed posts has no record", t)
			}
		}
	}
	if err := s.checkMetricsFile(MetricsFile, &Metrics{}); err != nil && !unparsable[MetricsFile] {
		add(ProblemInvalidFile, MetricsFile, "%v", err)
	}
	if err := s.checkMetricsFile(LockMetricsFile, &LockMetrics{}); err != nil && !unparsable[LockMetricsFile] {
		add(ProblemInvalidFile, LockMetricsFile, "%v", err)
	}
	slices.SortStableFunc(rep.Problems, func(a, b Problem) int { return strings.Compare(a.Path, b.Path) })
	return rep, nil
}

func (s *Store) readTopics() (*topicIndex, error) {
	data, err := s.readFile(TopicIndexFile)
	if err != nil {
		return nil, err
	}
	return decodeTopics(data)
}

func (s *Store) checkMetricsFile(rel string, v any) error {
	data, err := s.readFile(rel)
	if err != nil {
		return err
	}
	return decodeMetrics(data, v, rel)
}
