package publisher

import (
	"context"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/atomicjson/atomicjson/atomicfs"
)

// CleanTemps removes the temp files interrupted writes left under the root that are older than
// olderThan, and returns their root-relative paths. It holds all the store's locks, so the temp
// file of a write in progress in another process is never removed. To hold them together it first
// gives a missing topic index or metrics file its empty content (see Repair); a root without a
// system directory is cleaned without locks, and gets none.
func (s *Store) CleanTemps(ctx context.Context, olderThan time.Duration) ([]string, error) {
	var removed []string
	var err error
	if !s.exists(SystemDir) {
		// Nothing was ever written with locks here, and taking them would create the directory.
		removed, err = s.cleanTemps(olderThan)
		return removed, wrap("clean temps", "", err)
	}
	rec := &lockRecorder{}
	err = s.withSystemLocks(ctx, rec, func(systemFiles) (systemFiles, error) {
		var err error
		removed, err = s.cleanTemps(olderThan)
		return systemFiles{}, err
	})
	return removed, s.recordLocksAfter(ctx, rec, wrap("clean temps", "", err))
}

// cleanTemps removes temp files in every directory under the root except the quarantine.
func (s *Store) cleanTemps(olderThan time.Duration) ([]string, error) {
	var removed []string
	err := filepath.WalkDir(s.root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if s.rel(path) == QuarantineDir {
			return filepath.SkipDir
		}
		paths, err := atomicfs.CleanTemps(path, olderThan)
		for _, p := range paths {
			if !filepath.IsAbs(p) && filepath.Dir(p) == "." {
				p = filepath.Join(path, p)
			}
			removed = append(removed, s.rel(p))
		}
		return err
	})
	return removed, err
}
