package publisher

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/atomicjson/atomicjson/atomicfs"
)

// Paths of the files a content root holds, relative to the root and slash-separated.
const (
	PostsDir        = "blog"
	SystemDir       = "_system"
	IndexFile       = "_system/contentIndex.json"
	BackupFile      = "_system/contentIndex.backup.json"
	TopicIndexFile  = "_system/topicIndex.json"
	MetricsFile     = "_system/publish-metrics.json"
	LockMetricsFile = "_system/lock-metrics.json"
	QuarantineDir   = "_system/quarantine"
)

const (
	filePerm = 0o644
	dirPerm  = 0o755
)

// PostPath returns the path of the post file for slug, relative to the content root.
func PostPath(slug string) string { return PostsDir + "/" + slug + ".json" }

// abs turns a root-relative, slash-separated path into a path on disk.
func (s *Store) abs(rel string) string { return filepath.Join(s.root, filepath.FromSlash(rel)) }

// rel turns a path on disk back into the root-relative form used in reports.
func (s *Store) rel(path string) string {
	r, err := filepath.Rel(s.root, path)
	if err != nil {
		return path
	}
	return filepath.ToSlash(r)
}

// slugFromPostName returns the slug of a post file name, or false if base is not a post file.
func slugFromPostName(base string) (string, bool) {
	if atomicfs.IsTemp(base) || !strings.HasSuffix(base, ".json") {
		return "", false
	}
	return strings.TrimSuffix(base, ".json"), true
}

// exists reports whether the root holds rel (as anything at all).
func (s *Store) exists(rel string) bool {
	_, err := os.Lstat(s.abs(rel))
	return err == nil
}
