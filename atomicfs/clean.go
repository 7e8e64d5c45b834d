package atomicfs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// CleanTemps removes from dir the temp files that this package's writes left behind when their
// process died before finishing, and returns the paths it removed. It touches only regular files
// whose names have exactly the shape of this package's temp files (IsTemp), and of those only the
// ones no write is using: a writer holds a lock on its temp file (flock on Unix; on Windows the
// open file cannot be removed) from its creation until it is renamed or removed, and CleanTemps
// skips every temp file it cannot lock, whatever its age. So CleanTemps(dir, 0) is safe while
// writes run. olderThan > 0 also spares the temp files modified less than olderThan ago.
//
// Where the lock cannot protect a write, only olderThan does: on a file system without flock,
// and on Windows between the close of a temp file and its rename (the rename needs it closed
// there). Choose olderThan longer than any write takes (minutes are plenty) if that matters.
// CleanTemps needs read access to a temp file to lock it: one it may not open is left in place
// and reported. It never touches other files, subdirectories or symbolic links. An error for one file
// does not stop the others; the errors are joined.
func CleanTemps(dir string, olderThan time.Duration) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fail("clean temps in", dir, dir, err)
	}
	var cutoff time.Time
	if olderThan > 0 {
		cutoff = time.Now().Add(-olderThan)
	}
	var removed []string
	var errs []error
	for _, e := range entries {
		if !e.Type().IsRegular() || !IsTemp(e.Name()) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		gone, err := removeIdleTemp(path, cutoff)
		switch {
		case gone:
			removed = append(removed, path)
		case err != nil && !errors.Is(err, fs.ErrNotExist): // ErrNotExist: finished meanwhile
			errs = append(errs, fail("clean temps in", dir, path, err))
		}
	}
	return removed, errors.Join(errs...)
}

// modifiedBefore reports whether fi was last modified before cutoff; a zero cutoff means any age.
func modifiedBefore(fi fs.FileInfo, cutoff time.Time) bool {
	return cutoff.IsZero() || fi.ModTime().Before(cutoff)
}
