package publisher

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
)

// scannedPost is a post file that decoded and validated.
type scannedPost struct {
	sp   StoredPost
	data []byte
}

// badFile is a file that does not decode or validate.
type badFile struct {
	rel, reason string
}

// scanPosts reads every post file. Temp files, lock files, directories and files not ending in
// .json are not posts and are skipped.
func (s *Store) scanPosts() (map[string]scannedPost, []badFile, error) {
	posts := map[string]scannedPost{}
	ents, err := os.ReadDir(s.abs(PostsDir))
	if errors.Is(err, fs.ErrNotExist) {
		return posts, nil, nil
	}
	if err != nil {
		return nil, nil, &fileError{Path: PostsDir, Step: "read directory", Err: err}
	}
	var bad []badFile
	for _, de := range ents {
		slug, ok := slugFromPostName(de.Name())
		if !ok || de.IsDir() {
			continue
		}
		rel := PostsDir + "/" + de.Name()
		if err := ValidateSlug(slug); err != nil {
			bad = append(bad, badFile{rel, "file name is not a valid slug"})
			continue
		}
		sp, data, err := s.readPost(slug)
		if errors.Is(err, fs.ErrNotExist) {
			continue // unpublished since ReadDir
		}
		var ve *ValidationError
		if errors.As(err, &ve) {
			bad = append(bad, badFile{rel, ve.Error()})
			continue
		}
		if err != nil {
			return nil, nil, &fileError{Path: rel, Step: "read", Err: err}
		}
		posts[slug] = scannedPost{sp, data}
	}
	return posts, bad, nil
}

// scanAndQuarantine scans the posts and moves every bad one to the quarantine directory.
func (s *Store) scanAndQuarantine() (map[string]scannedPost, []Quarantined, error) {
	posts, bad, err := s.scanPosts()
	if err != nil {
		return nil, nil, err
	}
	var qs []Quarantined
	for _, b := range bad {
		q, err := s.quarantine(b.rel, b.reason)
		if err != nil {
			return nil, qs, err
		}
		qs = append(qs, q)
	}
	return posts, qs, nil
}

// buildIndex derives the content index from the post files.
func buildIndex(posts map[string]scannedPost) Index {
	idx := Index{Version: indexVersion, Posts: make([]Entry, 0, len(posts))}
	for _, p := range posts {
		idx.Posts = append(idx.Posts, entryFor(p.sp, p.data))
	}
	slices.SortFunc(idx.Posts, func(a, b Entry) int { return strings.Compare(a.Slug, b.Slug) })
	return idx
}

// matchPosts reports how idx differs from the post files, or "" if it describes them exactly.
func matchPosts(idx Index, posts map[string]scannedPost) string {
	for _, e := range idx.Posts {
		p, ok := posts[e.Slug]
		if !ok {
			return fmt.Sprintf("%s is indexed but has no post file", e.Slug)
		}
		if !e.equal(entryFor(p.sp, p.data)) {
			return fmt.Sprintf("%s: the entry does not match the post file (checksum or fields differ)", e.Slug)
		}
	}
	for slug := range posts {
		if _, ok := idx.Get(slug); !ok {
			return fmt.Sprintf("%s has a post file but is not indexed", slug)
		}
	}
	return ""
}
