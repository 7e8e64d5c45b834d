package publisher

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"syscall"

	"github.com/atomicjson/atomicjson/atomicfs"
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
			return "", &fileError{Path: rel, Step: "quarantine: look up " + q, Err: err}
		}
	}
	return "", &fileError{Path: rel, Step: "quarantine", Err: errors.New("too many copies in quarantine already")}
}

// makeQuarantineDir creates the quarantine directory if needed and makes it durable in the system
// directory, before anything is moved into it: a file moved into a directory entry that a power
// cut then loses would be lost with it.
func (s *Store) makeQuarantineDir(rel string) error {
	if err := atomicfs.MkdirAll(s.abs(QuarantineDir), dirPerm); err != nil {
		return &fileError{Path: rel, Step: "quarantine: create " + QuarantineDir, Err: err}
	}
	return nil
}

// quarantine moves the file rel into the quarantine directory, durably. Across file systems (the
// posts directory may be a mount of its own) a rename is impossible: the file is then copied
// durably and only then removed, so that a crash in between leaves it in both places, never in
// none. An error names rel and the one step that failed.
func (s *Store) quarantine(rel, reason string) (Quarantined, error) {
	if err := s.makeQuarantineDir(rel); err != nil {
		return Quarantined{}, err
	}
	to, err := s.quarantineName(rel)
	if err != nil {
		return Quarantined{}, err
	}
	err = atomicfs.Rename(s.abs(rel), s.abs(to))
	if errors.Is(err, syscall.EXDEV) {
		err = s.copyThenRemove(rel, to)
	} else if err != nil {
		err = &fileError{Path: rel, Step: "quarantine: move", Err: err}
	}
	if err != nil {
		return Quarantined{}, err
	}
	return Quarantined{From: rel, To: to, Reason: reason}, nil
}

// copyThenRemove moves rel to the quarantine name to on another file system.
func (s *Store) copyThenRemove(rel, to string) error {
	data, err := os.ReadFile(s.abs(rel))
	if err != nil {
		return &fileError{Path: rel, Step: "quarantine: read", Err: err}
	}
	if err := atomicfs.WriteFile(s.abs(to), data, filePerm); err != nil {
		return &fileError{Path: rel, Step: "quarantine: copy", Err: err}
	}
	if err := atomicfs.Remove(s.abs(rel)); err != nil {
		return &fileError{Path: rel, Step: "quarantine: remove", Err: err}
	}
	return nil
}

// quarantineCopy stores data, the content of rel that is about to be replaced by an atomic write
// under a lock, in the quarantine directory.
func (s *Store) quarantineCopy(rel string, data []byte, reason string) (Quarantined, error) {
	if err := s.makeQuarantineDir(rel); err != nil {
		return Quarantined{}, err
	}
	to, err := s.quarantineName(rel)
	if err != nil {
		return Quarantined{}, err
	}
	if err := atomicfs.WriteFile(s.abs(to), data, filePerm); err != nil {
		return Quarantined{}, &fileError{Path: rel, Step: "quarantine: copy", Err: err}
	}
	return Quarantined{From: rel, To: to, Reason: reason}, nil
}
