package atomicfs

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"time"
)

// A retryPolicy retries an operation that failed with an error the platform knows to pass by
// itself: on Windows, a rename over a file that another process (a reader, a virus scanner, an
// indexer, a backup agent) has open without FILE_SHARE_DELETE fails with a sharing violation or
// access denied until that process closes it. Go's own build tool retries such errors the same
// way (cmd/go/internal/robustio): a randomized backoff starting at one millisecond, until about
// two seconds have passed. The write path retries its rename and the removal of a discarded temp
// file (which a scanner may hold open just as well). On Unix no error is transient and every
// operation runs once.
type retryPolicy struct {
	limit     time.Duration // no retry starts later than this after the first failure
	transient func(error) bool
	sleep     func(time.Duration)
	now       func() time.Time
}

// retries is the policy of the write path; only tests change it.
var retries = retryPolicy{
	limit:     2 * time.Second,
	transient: isTransient,
	sleep:     time.Sleep,
	now:       time.Now,
}

// firstRetryDelay is the wait before the first retry. Each further wait adds a random part of
// the previous one (between 1x and 2x), so that writers failing together do not retry together.
const firstRetryDelay = time.Millisecond

// do calls op until it succeeds, fails with an error that is not transient, or would start
// again more than r.limit after the first failure. When it gives up on a transient error, the
// error it returns is the last one, with the number of attempts and the time spent added to its
// cause (the *fs.PathError or *os.LinkError stays on top, for errors.As and errors.Is).
func (r retryPolicy) do(op func() error) error {
	var start time.Time
	delay := firstRetryDelay
	for attempt := 1; ; attempt++ {
		err := op()
		if err == nil || !r.transient(err) {
			return err
		}
		if attempt == 1 {
			start = r.now()
		}
		if elapsed := r.now().Sub(start); elapsed+delay > r.limit {
			return gaveUp(err, attempt, elapsed)
		}
		r.sleep(delay)
		delay += rand.N(delay)
	}
}

// retriedError is a transient error that lasted through every retry.
type retriedError struct {
	err      error
	attempts int
	elapsed  time.Duration
}

func (e *retriedError) Error() string {
	return fmt.Sprintf("%v (still failing after %d attempts in %v)", e.err, e.attempts, e.elapsed.Round(time.Millisecond))
}

func (e *retriedError) Unwrap() error { return e.err }

// gaveUp returns err with the retries recorded in its cause.
func gaveUp(err error, attempts int, elapsed time.Duration) error {
	var le *os.LinkError
	var pe *fs.PathError
	switch {
	case errors.As(err, &le):
		c := *le
		c.Err = &retriedError{le.Err, attempts, elapsed}
		return &c
	case errors.As(err, &pe):
		c := *pe
		c.Err = &retriedError{pe.Err, attempts, elapsed}
		return &c
	}
	return &retriedError{err, attempts, elapsed}
}
