package atomicfs

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"sync"
	"time"
)

// Group commit: concurrent Updates of one file in one process share a durable write. While a
// batch holds the lock and writes, the calls that arrive queue up; the next batch takes the lock
// once, reads the file once, runs each queued fn in arrival order on the result of the ones
// before it, and writes and fsyncs once. Each call returns only after the write that carries its
// change is durable, so "Update returned nil" means what it means for a lone call.

// batchedCall is one Update call's part in a batch.
type batchedCall struct {
	fn     func([]byte) ([]byte, error)
	start  time.Time
	queued bool // it waited for a batch of other calls

	// Set by the batch that runs the call.
	err      error
	panicked bool
	panicVal any
	changed  bool // fn's result is in the batch's write
	stats    LockStats

	// done receives true when the call's result is in, false when the call is to lead the next
	// batch of its queue.
	done chan bool
}

// batchKey is what calls must share to share a batch: the file and everything that changes how
// it is written. (WithIndent only changes what UpdateJSON's fn returns, which is each call's own.)
type batchKey struct {
	name         string
	perm         fs.FileMode
	mkdirAll     bool
	dirPerm      fs.FileMode
	noVerify     bool
	deviceVerify bool
	noSync       bool
}

// updateQueue is the queue of one batchKey.
type updateQueue struct {
	users int // calls holding the queue (updateQueues.Mutex)

	mu      sync.Mutex
	waiting []*batchedCall // calls for the next batch
	busy    bool           // a batch is running
}

var updateQueues = struct {
	sync.Mutex
	m map[batchKey]*updateQueue
}{m: map[batchKey]*updateQueue{}}

// updateBatched runs c in a batch with the other calls of this process that update the same file
// the same way, and returns once c's result is in.
func updateBatched(name string, perm fs.FileMode, o *options, c *batchedCall) {
	key := batchKey{name, perm, o.mkdirAll, o.dirPerm, o.noVerify, o.deviceVerify, o.noSync}
	updateQueues.Lock()
	q := updateQueues.m[key]
	if q == nil {
		q = &updateQueue{}
		updateQueues.m[key] = q
	}
	q.users++
	updateQueues.Unlock()
	defer func() {
		updateQueues.Lock()
		if q.users--; q.users == 0 {
			delete(updateQueues.m, key)
		}
		updateQueues.Unlock()
	}()

	c.done = make(chan bool, 1)
	q.mu.Lock()
	c.queued = q.busy // set before the call is visible to a leader
	q.waiting = append(q.waiting, c)
	q.busy = true
	q.mu.Unlock()
	if c.queued {
		if resultIn := <-c.done; resultIn {
			return
		}
	}
	// Lead the batch: every call waiting now, c among them.
	q.mu.Lock()
	calls := q.waiting
	q.waiting = nil
	q.mu.Unlock()
	// Deferred, so that the others get their results and the queue a leader even when a fn ends
	// this goroutine (runtime.Goexit, as t.FailNow does).
	defer func() {
		for _, other := range calls {
			if other != c {
				other.done <- true
			}
		}
		q.mu.Lock()
		if len(q.waiting) > 0 {
			q.waiting[0].done <- false // the first to arrive meanwhile leads the next batch
		} else {
			q.busy = false
		}
		q.mu.Unlock()
	}()
	runBatch(name, perm, o, calls)
}

// runBatch runs calls, in order, under one hold of name's lock, with one durable write of the
// result (none if no fn changed anything), and sets each call's result.
func runBatch(name string, perm fs.FileMode, o *options, calls []*batchedCall) {
	setAll := func(err error) {
		for _, c := range calls {
			if c.err == nil && !c.panicked {
				c.err = err
			}
		}
	}
	w, err := newLockWait(o)
	if err != nil {
		setAll(fail("lock", name, name, err))
		return
	}
	l, err := lockFile(name, perm, exclusive, o, w)
	if err != nil {
		setAll(err)
		return
	}
	acquired := time.Now()
	finished := false
	defer func() {
		if !finished { // a fn called runtime.Goexit: nothing was written
			l.release()
			setAll(fmt.Errorf("atomicfs: update %s: a fn of the batch ended its goroutine (runtime.Goexit); nothing written", name))
		}
	}()
	cur, err := l.content()
	if err != nil {
		err = fail("read", name, name, err)
	} else {
		changed := false
		for _, c := range calls {
			in := cur
			if len(calls) > 1 {
				in = bytes.Clone(cur) // a fn that fails after changing its input in place spoils nothing
			}
			data, ferr := c.run(in)
			switch {
			case c.panicked, errors.Is(ferr, SkipWrite):
			case ferr != nil:
				c.err = fnError(name, ferr)
			default:
				cur, changed, c.changed = data, true, true
			}
		}
		if changed {
			if werr := writeFile(name, cur, perm, o); werr != nil {
				for _, c := range calls {
					if c.changed {
						c.err = werr
					}
				}
			}
		}
	}
	finished = true
	uerr := l.release()
	for _, c := range calls {
		c.stats = LockStats{
			Wait:      acquired.Sub(c.start),
			Hold:      time.Since(acquired),
			Contended: w.contended || c.queued,
			Batch:     len(calls),
		}
	}
	if err != nil {
		setAll(err)
	} else if uerr != nil {
		setAll(fail("unlock", name, name, uerr))
	}
}

// run calls fn on in, catching a panic, which is raised again in the caller's own goroutine.
func (c *batchedCall) run(in []byte) (data []byte, err error) {
	defer func() {
		if v := recover(); v != nil {
			c.panicked, c.panicVal = true, v
		}
	}()
	return c.fn(in)
}

// fnError is the error of an Update whose fn returned err.
func fnError(name string, err error) error {
	var oe *opError
	if errors.As(err, &oe) && oe.name == name {
		return err // already names this file and the step
	}
	return fmt.Errorf("atomicfs: update %s: %w", name, err)
}
