package publisher

import (
	"io/fs"
	"path/filepath"
)

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
