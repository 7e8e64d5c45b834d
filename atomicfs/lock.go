package atomicfs

import (
	"context"
	"fmt"
	"time"
)

// lockMode is what a call needs of a file's Update lock.
type lockMode int

const (
	exclusive lockMode = iota // Update, UpdateJSON: nobody else
	shared                    // View: no Update, but other Views
)

// lockRetry is how often a lock wait that can end (a timeout or a context) tries the lock again.
const lockRetry = 2 * time.Millisecond

// lockWait is how one call waits for its lock, possibly over several attempts (when the file is
// replaced while waiting, the lock is taken again on the new file): the limits of its options,
// and what LockStats reports.
type lockWait struct {
	ctx       context.Context
	timeout   time.Duration // WithLockTimeout; 0: none
	deadline  time.Time     // start + timeout
	start     time.Time
	contended bool // an attempt found the lock (or a part of it) held
}

// newLockWait starts the wait of a call with options o. A context already done is its error: the
// caller no longer wants the lock, so it is not even tried.
func newLockWait(o *options) (*lockWait, error) {
	w := &lockWait{ctx: o.ctx, timeout: o.lockTimeout, start: time.Now()}
	if w.ctx == nil {
		w.ctx = context.Background()
	}
	if w.timeout > 0 {
		w.deadline = w.start.Add(w.timeout)
	}
	if err := w.ctx.Err(); err != nil {
		return nil, w.ctxErr()
	}
	return w, nil
}

// acquire takes a lock: try takes it if it is free, block waits for it in the kernel. Block is
// used only when nothing can end the wait, because the kernel wakes a blocked waiter as soon as
// the holder unlocks, where polling loses the race to a holder that relocks at once (it put the
// 99th-percentile wait at hundreds of milliseconds with 8 processes). Otherwise try is polled
// every lockRetry until it succeeds, the timeout passes or the context is done.
func (w *lockWait) acquire(try func() (bool, error), block func() error) error {
	ok, err := try()
	if err != nil {
		return err
	}
	if !ok {
		w.contended = true
	}
	if ok {
		return nil
	}
	if w.timeout <= 0 && w.ctx.Done() == nil {
		return block()
	}
	var timer *time.Timer
	for {
		next := lockRetry
		if w.timeout > 0 {
			left := time.Until(w.deadline)
			if left <= 0 {
				return fmt.Errorf("%w (waited %v)", ErrLockTimeout, w.timeout)
			}
			next = min(next, left)
		}
		if timer == nil {
			timer = time.NewTimer(next)
			defer timer.Stop()
		} else {
			timer.Reset(next)
		}
		select {
		case <-w.ctx.Done():
			return w.ctxErr()
		case <-timer.C:
		}
		if ok, err := try(); err != nil || ok {
			return err
		}
	}
}

// ctxErr is the error of a wait ended by its context: the context's error (with its cause, if
// one was given), which for a deadline is a timeout too.
func (w *lockWait) ctxErr() error {
	err := w.ctx.Err()
	if cause := context.Cause(w.ctx); cause != nil && cause != err {
		err = fmt.Errorf("%w: %w", err, cause)
	}
	if w.ctx.Err() == context.DeadlineExceeded {
		err = fmt.Errorf("%w: %w", ErrLockTimeout, err)
	}
	return err
}

// stats returns the LockStats of a hold that began at acquired and ends now.
func (w *lockWait) stats(acquired time.Time) LockStats {
	return LockStats{Wait: acquired.Sub(w.start), Hold: time.Since(acquired), Contended: w.contended, Batch: 1}
}
