package publisher

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/atomicjson/atomicjson/atomicfs"
)

// DefaultLockTimeout bounds how long an operation waits for a cross-process lock.
const DefaultLockTimeout = 30 * time.Second

// Store is a content root. A Store holds no open files and no in-memory state beyond its
// configuration: any number of Stores, in any number of processes, may share one root.
type Store struct {
	root        string
	now         func() time.Time
	lockTimeout time.Duration
	maxPostSize int
}

// Option configures a Store.
type Option func(*Store)

// WithLockTimeout sets how long an operation waits for a cross-process lock before failing with
// CodeLockTimeout (default DefaultLockTimeout). The context passed to an operation can end the
// wait sooner.
func WithLockTimeout(d time.Duration) Option { return func(s *Store) { s.lockTimeout = d } }

// WithMaxPostSize sets the largest post file Publish writes, in bytes, counted on the exact bytes
// of the file (default DefaultMaxPostSize). A post whose file would be larger is a
// *ValidationError and nothing is written. It is the only size limit on a post.
func WithMaxPostSize(n int) Option { return func(s *Store) { s.maxPostSize = n } }

// WithClock replaces time.Now, for reproducible timestamps. now must be safe for concurrent use.
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// Open returns the Store for the content root dir. The root need not exist yet: the first write
// creates it. It is an error if dir exists and is not a directory.
func Open(dir string, opts ...Option) (*Store, error) {
	if dir == "" {
		return nil, errors.New("publisher: empty content root")
	}
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return nil, fmt.Errorf("publisher: content root %s is not a directory", dir)
	}
	s := &Store{root: dir, now: time.Now, lockTimeout: DefaultLockTimeout, maxPostSize: DefaultMaxPostSize}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

// Root returns the content root directory.
func (s *Store) Root() string { return s.root }

// timestamp returns the current time as stored in files: UTC, no monotonic reading.
func (s *Store) timestamp() time.Time { return s.now().UTC().Round(0) }

// writeFile writes one file of the root atomically and durably, creating directories as needed.
// Only bytes that are already encoded go through it: a post (encoded once, because its checksum is
// indexed), and the copies the backup and the quarantine keep of another file's exact bytes.
func (s *Store) writeFile(rel string, data []byte) error {
	return atomicfs.WriteFile(s.abs(rel), data, filePerm, atomicfs.WithMkdirAll(dirPerm))
}

// readFile reads one file of the root; a missing file is (nil, nil).
func (s *Store) readFile(rel string) ([]byte, error) {
	data, err := os.ReadFile(s.abs(rel))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return data, err
}
