package publisher

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/atomicjson/atomicjson/atomicfs"
)

// indexVersion is the content index format version; a file with another version is not an index
// this package can trust.
const indexVersion = 1

// Index is the format of the content index file (IndexFile and BackupFile): one Entry per published
// post, sorted by slug. Store.List returns its entries; other programs may decode the file into it,
// and decoding checks it (version, sorted unique slugs, checksums), so a damaged index is an error
// wrapping ErrIndexCorrupt rather than a list that is silently wrong.
type Index struct {
	Version int     `json:"version"`
	Posts   []Entry `json:"posts"`
}

// Entry is what the content index records about one post. SHA256 is the hex SHA-256 of the post
// file's bytes, so Verify can tell whether the file is the one that was indexed.
type Entry struct {
	Slug        string    `json:"slug"`
	Title       string    `json:"title"`
	Topic       string    `json:"topic"`
	Tags        []string  `json:"tags,omitempty"`
	PublishedAt time.Time `json:"publishedAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
	SHA256      string    `json:"sha256"`
}

// entryFor derives the index entry of a post file from its content and bytes.
func entryFor(sp StoredPost, data []byte) Entry {
	return Entry{
		Slug:        sp.Slug,
		Title:       sp.Title,
		Topic:       sp.Topic,
		Tags:        sp.Tags,
		PublishedAt: sp.PublishedAt,
		UpdatedAt:   sp.UpdatedAt,
		SHA256:      checksum(data),
	}
}

func checksum(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func (e Entry) equal(f Entry) bool {
	return e.Slug == f.Slug && e.Title == f.Title && e.Topic == f.Topic && slices.Equal(e.Tags, f.Tags) &&
		e.PublishedAt.Equal(f.PublishedAt) && e.UpdatedAt.Equal(f.UpdatedAt) && e.SHA256 == f.SHA256
}

// newIndex returns an empty index.
func newIndex() Index { return Index{Version: indexVersion, Posts: []Entry{}} }

// UnmarshalJSON decodes and checks an index. Any defect wraps ErrIndexCorrupt with the reason.
func (idx *Index) UnmarshalJSON(data []byte) error {
	type plain Index // without this method
	var v plain
	if err := json.Unmarshal(data, &v); err != nil {
		return fmt.Errorf("%w: %v", ErrIndexCorrupt, err)
	}
	if v.Version != indexVersion {
		return fmt.Errorf("%w: version %d, want %d", ErrIndexCorrupt, v.Version, indexVersion)
	}
	if v.Posts == nil {
		return fmt.Errorf("%w: no \"posts\" list", ErrIndexCorrupt)
	}
	for i, e := range v.Posts {
		if err := ValidateSlug(e.Slug); err != nil {
			return fmt.Errorf("%w: entry %d: %v", ErrIndexCorrupt, i, err)
		}
		if i > 0 && v.Posts[i-1].Slug >= e.Slug {
			return fmt.Errorf("%w: entries not sorted or duplicated at %q", ErrIndexCorrupt, e.Slug)
		}
		if len(e.SHA256) != sha256.Size*2 || strings.Trim(e.SHA256, "0123456789abcdef") != "" {
			return fmt.Errorf("%w: entry %q: bad sha256", ErrIndexCorrupt, e.Slug)
		}
	}
	*idx = Index(v)
	return nil
}

// decodeIndex parses the bytes of a content index file. nil data (no file yet) is an empty index.
func decodeIndex(data []byte) (Index, error) {
	if data == nil {
		return newIndex(), nil
	}
	var idx Index
	if err := json.Unmarshal(data, &idx); err != nil {
		if !errors.Is(err, ErrIndexCorrupt) { // a syntax error, found before UnmarshalJSON runs
			err = fmt.Errorf("%w: %v", ErrIndexCorrupt, err)
		}
		return Index{}, err
	}
	return idx, nil
}

// clone returns a copy of idx that shares no entries list with it.
func (idx *Index) clone() Index { return Index{Version: idx.Version, Posts: slices.Clone(idx.Posts)} }

func (idx *Index) find(slug string) (int, bool) {
	return slices.BinarySearchFunc(idx.Posts, slug, func(e Entry, s string) int { return strings.Compare(e.Slug, s) })
}

// Get returns the entry for slug.
func (idx *Index) Get(slug string) (Entry, bool) {
	if i, ok := idx.find(slug); ok {
		return idx.Posts[i], true
	}
	return Entry{}, false
}

func (idx *Index) upsert(e Entry) {
	if i, ok := idx.find(e.Slug); ok {
		idx.Posts[i] = e
	} else {
		idx.Posts = slices.Insert(idx.Posts, i, e)
	}
}

func (idx *Index) remove(slug string) bool {
	i, ok := idx.find(slug)
	if ok {
		idx.Posts = slices.Delete(idx.Posts, i, i+1)
	}
	return ok
}

// updateIndex runs fn on the content index under its lock. fn gets the index (empty if the file
// is missing, which existed reports) and changes it in place, or returns atomicfs.SkipWrite to
// leave the file as it is. A content index that does not decode is an error wrapping
// ErrIndexCorrupt; fn is not called.
func (s *Store) updateIndex(ctx context.Context, rec *lockRecorder, fn func(idx *Index, existed bool) error) error {
	err := updateJSON(s, ctx, rec, IndexFile, func(idx *Index) error {
		existed := idx.Version != 0 // a file that exists decoded with its version checked
		if !existed {
			*idx = newIndex()
		}
		return fn(idx, existed)
	})
	if isDecodeError(err) && !errors.Is(err, ErrIndexCorrupt) {
		err = fmt.Errorf("%w: %w", ErrIndexCorrupt, err)
	}
	return err
}

// backupIndex writes the index as it was before an update to BackupFile. Callers only pass an
// index that decoded, so a corrupt index never replaces a good backup.
func (s *Store) backupIndex(old Index) error {
	err := atomicfs.WriteJSON(s.abs(BackupFile), &old, filePerm, jsonIndent, atomicfs.WithMkdirAll(dirPerm))
	if err != nil {
		return &fileError{Path: BackupFile, Step: "write", Err: err}
	}
	return nil
}
