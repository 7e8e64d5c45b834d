package atomicfs

import (
	"fmt"
	"time"
)

// View calls fn with the content of the file name (nil if it does not exist; an existing empty
// file gives an empty, non-nil slice) while holding the lock of Update taken shared: no Update or
// UpdateJSON of the file, in any process, runs while fn does, and the content fn sees is the one
// the last Update left, while other Views are not excluded. On Unix View only reads: it needs no
// write permission and works on a read-only file system (on Windows it creates the sidecar lock
// file if it is missing). A missing file's lock is on its directory, as for Update, which
// therefore must exist.
//
// View returns fn's error (wrapped; errors.Is and errors.As see it). fn must not call Update of
// the same file, which would wait for View forever. WithLockTimeout, WithContext and
// WithLockStats apply to View as to Update.
func View(name string, fn func(data []byte) error, opts ...Option) (err error) {
	o, err := collect(callView, name, opts)
	if err != nil {
		return err
	}
	w, err := newLockWait(&o)
	if err != nil {
		return fail("lock", name, name, err)
	}
	l, err := lockFile(name, 0o644, shared, &o, w)
	if err != nil {
		return err
	}
	acquired := time.Now()
	defer func() {
		uerr := l.release()
		if o.lockStats != nil {
			o.lockStats(w.stats(acquired))
		}
		if uerr != nil && err == nil {
			err = fail("unlock", name, name, uerr)
		}
	}()
	data, err := l.content()
	if err != nil {
		return fail("read", name, name, err)
	}
	if err := fn(data); err != nil {
		return fmt.Errorf("atomicfs: view %s: %w", name, err)
	}
	return nil
}
