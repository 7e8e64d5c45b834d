package publisher

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
)

// Quarantined records a file that was set aside because it was corrupt.
type Quarantined struct {
	From   string // where it was, relative to the root
	To     string // where it is now, relative to the root
	Reason string
}

// String describes the move on one line.
func (q Quarantined) String() string {
	return fmt.Sprintf("quarantined %s as %s: %s", q.From, q.To, q.Reason)
}

// quarantineName picks a free name for rel in the quarantine directory: "<name>.corrupt", or
// "<name>.N.corrupt" when an earlier copy is already there (nothing in quarantine is overwritten).
func (s *Store) quarantineName(rel string) (string, error) {
	base := path.Base(rel)
	for n := 0; n < 10000; n++ {
		name := base + ".corrupt"
		if n > 0 {
			name = fmt.Sprintf("%s.%d.corrupt", base, n)
		}
		q := QuarantineDir + "/" + name
		if _, err := os.Lstat(s.abs(q)); errors.Is(err, fs.ErrNotExist) {
			return q, nil
		} else if err != nil {
			return "", err
		}
	}
	return "", fmt.Errorf("quarantine: too many copies of %s", base)
}

// quarantine moves the file rel into the quarantine directory, durably.
func (s *Store) quarantine(rel, reason string) (Quarantined, error) {
	if err := os.MkdirAll(s.abs(QuarantineDir), dirPerm); err != nil {
		return Quarantined{}, err
	}
	to, err := s.quarantineName(rel)
	if err != nil {
		return Quarantined{}, err
	}
	if err := os.Rename(s.abs(rel), s.abs(to)); err != nil {
		return Quarantined{}, err
	}
	if err := syncDir(s.abs(QuarantineDir)); err != nil {
		return Quarantined{}, err
	}
	if err := syncDir(filepath.Dir(s.abs(rel))); err != nil {
		return Quarantined{}, err
	}
	return Quarantined{From: rel, To: to, Reason: reason}, nil
}

// quarantineCopy stores data, the content of rel that is about to be replaced by an atomic write
// under a lock, in the quarantine directory.
func (s *Store) quarantineCopy(rel string, data []byte, reason string) (Quarantined, error) {
	to, err := s.quarantineName(rel)
	if err != nil {
		return Quarantined{}, err
	}
	if err := s.writeFile(to, data); err != nil {
		return Quarantined{}, err
	}
	return Quarantined{From: rel, To: to, Reason: reason}, nil
}

// syncDir makes a rename or removal in dir durable. Windows cannot fsync a directory, and its
// renames are made durable by the file system's own journaling, so there it is a no-op.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
