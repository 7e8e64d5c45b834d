package atomicfs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// CleanTemps removes from dir the temp files that this package's writes left behind when their
// process died before finishing: regular files named ".<base>.tmp-<12 base-36 digits>" whose last
// modification is more than olderThan ago (olderThan <= 0: any age). It returns the paths it
// removed. It never touches other files, subdirectories or lock files.
//
// A write in progress also has a temp file: choose olderThan longer than any write takes (minutes
// are plenty), or its rename fails (it returns an error and the target keeps its old content).
// An error for one file does not stop the others; the errors are joined.
func CleanTemps(dir string, olderThan time.Duration) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fail("clean temps in", dir, dir, err)
	}
	cutoff := time.Now().Add(-olderThan)
	var removed []string
	var errs []error
	for _, e := range entries {
		if !e.Type().IsRegular() || !IsTemp(e.Name()) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		if olderThan > 0 {
			info, err := e.Info()
			if errors.Is(err, fs.ErrNotExist) {
				continue // finished or removed meanwhile
			}
			if err != nil {
				errs = append(errs, fail("clean temps in", dir, path, err))
				continue
			}
			if info.ModTime().After(cutoff) {
				continue
			}
		}
		if err := os.Remove(path); err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, fail("clean temps in", dir, path, err))
			}
			continue
		}
		removed = append(removed, path)
	}
	return removed, errors.Join(errs...)
}
