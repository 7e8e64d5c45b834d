//go:build unix

package atomicfs

import (
	"errors"
	"io/fs"
	"os"
	"sync"
	"syscall"
)

// The lock of a file that does not exist yet is flock(LOCK_EX) on the directory it will be created
// in. flock excludes every open of the directory, including another one of the same process: an
// Update of a missing file nested in the fn of another (as the publisher nests the updates of its
// system files) would wait for itself. So a process takes a directory's flock once, shared by all
// of its calls that create files there, and excludes its own calls from each other by name.

// dirShares are this process's shares of directory creation locks, by the directory's identity.
var dirShares = struct {
	sync.Mutex
	m map[fileKey]*dirShare
}{m: map[fileKey]*dirShare{}}

// fileKey identifies a file: its device and inode numbers.
type fileKey struct{ dev, ino uint64 }

// dirShare is this process's hold of one directory's creation lock.
type dirShare struct {
	key   fileKey
	refs  int                  // calls using the share, waiting included (dirShares.Mutex)
	names map[string]*nameLock // the names being created or waited for (dirShares.Mutex)
	gate  chan struct{}        // one slot: held to change f and holders
	f     *os.File             // the directory, flocked, while holders > 0 (gate)
	hold  int                  // calls holding the lock (gate)
}

// lockCreation takes the lock for creating the missing file name (or, shared, for reading that
// it is missing): the process's share of its directory's flock, always exclusive towards other
// processes, then name within the process, in mode. It returns nil and no error if name exists
// after all, or the directory was replaced while waiting (the caller starts over).
func lockCreation(name string, mode lockMode, mkdir bool, o *options, w *lockWait) (*heldLock, error) {
	dir, base, err := creationDir(name)
	if errors.Is(err, fs.ErrExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fail("open", name, name, err)
	}
	d, err := os.Open(dir)
	if errors.Is(err, fs.ErrNotExist) && mkdir {
		if err := mkdirAll(dir, o.dirPerm, o.noSync); err != nil {
			return nil, fail("mkdir", name, dir, withoutDirSyncMark(err))
		}
		d, err = os.Open(dir)
	}
	if err != nil {
		return nil, fail("lock", name, dir, err)
	}
	fi, err := d.Stat()
	if err != nil {
		d.Close()
		return nil, fail("lock", name, dir, err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	s := joinDirShare(fileKey{uint64(st.Dev), uint64(st.Ino)}, base)
	if err := s.enter(d, base, mode, w); err != nil {
		return nil, fail("lock", name, dir, err)
	}
	l := &heldLock{creation: s, base: base}
	same, err := stillAt(s.f, dir)
	if err == nil && same {
		_, err = os.Stat(name)
		if errors.Is(err, fs.ErrNotExist) {
			return l, nil
		}
	}
	l.release()
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fail("lock", name, dir, err)
	}
	return nil, nil // the directory was replaced, or name created meanwhile: start over
}

// nameLock excludes the calls of this process that create one name from each other and from
// Views of the name; Views share it. All its fields are guarded by dirShares.Mutex.
type nameLock struct {
	refs    int           // calls holding or waiting for it
	readers int           // Views holding it
	writer  bool          // an Update holds it
	changed chan struct{} // closed (and replaced) whenever a holder lets go
}

// joinDirShare returns the process's share of the directory key, made if needed, counting the
// caller (who must call leave or quit) among its users, and the name base among those in use.
func joinDirShare(key fileKey, base string) *dirShare {
	dirShares.Lock()
	defer dirShares.Unlock()
	s := dirShares.m[key]
	if s == nil {
		s = &dirShare{key: key, names: map[string]*nameLock{}, gate: make(chan struct{}, 1)}
		dirShares.m[key] = s
	}
	s.refs++
	n := s.names[base]
	if n == nil {
		n = &nameLock{changed: make(chan struct{})}
		s.names[base] = n
	}
	n.refs++
	return s
}

// enter waits for the directory's flock (taken through d, unless the process holds it already;
// d is closed either way) and then for base within the process.
func (s *dirShare) enter(d *os.File, base string, mode lockMode, w *lockWait) error {
	if err := w.acquire(trySend(s.gate), blockSend(s.gate)); err != nil {
		d.Close()
		s.quit(base)
		return err
	}
	if s.hold == 0 {
		if err := w.acquire(tryFlock(d, syscall.LOCK_EX), blockFlock(d, syscall.LOCK_EX)); err != nil {
			<-s.gate
			d.Close()
			s.quit(base)
			return err
		}
		s.f, d = d, nil
	}
	s.hold++
	<-s.gate
	if d != nil {
		d.Close()
	}
	dirShares.Lock()
	n := s.names[base]
	dirShares.Unlock()
	if err := w.acquire(n.try(mode), n.block(mode)); err != nil {
		s.unhold()
		s.quit(base)
		return err
	}
	return nil
}

// leave gives up base and the caller's share of the directory's flock, which the process
// releases with its last share.
func (s *dirShare) leave(base string) error {
	dirShares.Lock()
	n := s.names[base]
	if n.writer {
		n.writer = false
	} else {
		n.readers--
	}
	close(n.changed)
	n.changed = make(chan struct{})
	dirShares.Unlock()
	err := s.unhold()
	s.quit(base)
	return err
}

// unhold ends one hold of the flock; the last one releases it. The gate is never held long
// while holds remain: only a first holder waits (for the flock) with the gate held.
func (s *dirShare) unhold() error {
	s.gate <- struct{}{}
	defer func() { <-s.gate }()
	s.hold--
	if s.hold > 0 {
		return nil
	}
	err := s.f.Close()
	s.f = nil
	return err
}

// quit stops counting the caller among the share's users, forgetting the share (and base) when
// nobody uses them any more.
func (s *dirShare) quit(base string) {
	dirShares.Lock()
	defer dirShares.Unlock()
	s.refs--
	n := s.names[base]
	n.refs--
	if n.refs == 0 {
		delete(s.names, base)
	}
	if s.refs == 0 {
		delete(dirShares.m, s.key)
	}
}

// try takes n in mode if it is free for it.
func (n *nameLock) try(mode lockMode) func() (bool, error) {
	return func() (bool, error) {
		dirShares.Lock()
		defer dirShares.Unlock()
		return n.take(mode), nil
	}
}

// block waits until n can be taken in mode, and takes it.
func (n *nameLock) block(mode lockMode) func() error {
	return func() error {
		for {
			dirShares.Lock()
			if n.take(mode) {
				dirShares.Unlock()
				return nil
			}
			changed := n.changed
			dirShares.Unlock()
			<-changed
		}
	}
}

// take takes n in mode if it is free for it; dirShares.Mutex is held.
func (n *nameLock) take(mode lockMode) bool {
	switch {
	case n.writer, mode == exclusive && n.readers > 0:
		return false
	case mode == exclusive:
		n.writer = true
	default:
		n.readers++
	}
	return true
}

// trySend takes the slot of the one-slot semaphore sem if it is free.
func trySend(sem chan struct{}) func() (bool, error) {
	return func() (bool, error) {
		select {
		case sem <- struct{}{}:
			return true, nil
		default:
			return false, nil
		}
	}
}

// blockSend waits for the slot of sem, and takes it.
func blockSend(sem chan struct{}) func() error {
	return func() error { sem <- struct{}{}; return nil }
}
