package rmw

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/atomicjson/atomicjson/atomicfs"
)

// Lone is a lone caller's serial and batched calls measured side by side.
type Lone struct {
	// Ratios holds batched/serial of each pair of calls.
	Ratios []float64
	// Serial and Batched hold each call's time.
	Serial, Batched []time.Duration
}

// LoneCaller measures what group commit costs a caller that has the file to
// itself: n pairs of UpdateJSON increments of one counter in dir, one
// serial and one batched call per pair, the order flipping every pair. fsync
// latency drifts by a factor of two within seconds on a shared disk;
// calls made side by side see the same drift, so the per-pair ratio
// cancels it where two separate runs do not. Both modes update the same
// file, so they do the same work on the same blocks.
func LoneCaller(dir string, n int) (Lone, error) {
	path := filepath.Join(dir, "counter-lone.json")
	if err := atomicfs.WriteJSON(path, Counter{}, 0o644); err != nil {
		return Lone{}, err
	}
	var batch int
	stats := atomicfs.WithLockStats(func(s atomicfs.LockStats) { batch = s.Batch })
	call := func(m Mode) (time.Duration, error) {
		t := time.Now()
		err := atomicfs.UpdateJSON(path, 0o644, func(c *Counter) error {
			c.N++
			return nil
		}, m.options(stats)...)
		d := time.Since(t)
		if err == nil && batch != 1 {
			err = fmt.Errorf("a lone %s call reported a batch of %d", m, batch)
		}
		return d, err
	}
	var l Lone
	for i := range n {
		first, second := Serial, Batched
		if i%2 == 1 {
			first, second = Batched, Serial
		}
		d1, err := call(first)
		if err != nil {
			return l, fmt.Errorf("rmw: lone caller: %w", err)
		}
		d2, err := call(second)
		if err != nil {
			return l, fmt.Errorf("rmw: lone caller: %w", err)
		}
		s, b := d1, d2
		if first == Batched {
			s, b = d2, d1
		}
		l.Serial, l.Batched = append(l.Serial, s), append(l.Batched, b)
		l.Ratios = append(l.Ratios, float64(b)/float64(s))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return l, err
	}
	var c Counter
	if err := json.Unmarshal(data, &c); err != nil || c.N != 2*n {
		return l, fmt.Errorf("rmw: lone caller: counter %s is %s after %d increments (%v)", path, data, 2*n, err)
	}
	return l, nil
}
