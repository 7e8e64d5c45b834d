package publisher

import (
	"errors"
	"io/fs"
	"os"
)

// Get returns the published post with the given slug, or an error with CodeNotFound.
func (s *Store) Get(slug string) (StoredPost, error) {
	if err := ValidateSlug(slug); err != nil {
		return StoredPost{}, err
	}
	sp, _, err := s.readPost(slug)
	if errors.Is(err, fs.ErrNotExist) {
		err = ErrNotFound
	}
	if err != nil {
		return StoredPost{}, wrap("get", slug, err)
	}
	return sp, nil
}

// List returns the entries of the content index, sorted by slug.
func (s *Store) List() ([]Entry, error) {
	data, err := s.readFile(IndexFile)
	if err != nil {
		return nil, wrap("list", "", err)
	}
	idx, err := decodeIndex(data)
	if err != nil {
		return nil, wrap("list", "", err)
	}
	return idx.Posts, nil
}

// readPost reads and decodes the post file of slug. A missing file is fs.ErrNotExist; a file that
// does not decode or validate is a *ValidationError.
func (s *Store) readPost(slug string) (StoredPost, []byte, error) {
	data, err := os.ReadFile(s.abs(PostPath(slug)))
	if err != nil {
		return StoredPost{}, nil, err
	}
	sp, err := decodeStoredPost(data, slug)
	return sp, data, err
}
