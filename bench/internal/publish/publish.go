// Package publish runs the publisher benchmark: G goroutines of one process
// publish distinct posts through one publisher.Store, and afterwards the
// root must verify clean, index every post and count every attempt as a
// success.
package publish

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/atomicjson/atomicjson/publisher"
)

// Result is one run.
type Result struct {
	Goroutines, Publishes int
	// Wall is the time from the first publish until the last returned.
	Wall time.Duration
	// Latencies holds the time of every Publish call.
	Latencies []time.Duration
}

// Rate returns the run's publishes per second.
func (r Result) Rate() float64 { return float64(r.Publishes) / r.Wall.Seconds() }

// topics is how many topics the posts are spread over: several posts share
// each topic record, as on a real blog.
const topics = 4

// Run opens a store in dir (a fresh content root), has g goroutines publish
// n posts each (distinct slugs, so every publish creates a post file and an
// index entry), and checks the root afterwards: Verify finds no problem,
// the index has g×n entries and the metrics count g×n attempts, all
// successes.
func Run(dir string, g, n int) (Result, error) {
	s, err := publisher.Open(dir)
	if err != nil {
		return Result{}, err
	}
	body := strings.Repeat("All work and no play makes a durable blog. ", 20)
	ctx := context.Background()
	lat := make([][]time.Duration, g)
	errs := make([]error, g)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range g {
		wg.Go(func() {
			for i := range n {
				p := publisher.Post{
					Slug:  fmt.Sprintf("post-%d-%d", w, i),
					Title: fmt.Sprintf("Post %d of writer %d", i, w),
					Topic: fmt.Sprintf("topic-%d", (w+i)%topics),
					Body:  body,
				}
				t := time.Now()
				res, err := s.Publish(ctx, p)
				lat[w] = append(lat[w], time.Since(t))
				if err == nil && res.Status != publisher.Created {
					err = fmt.Errorf("status %q, want %q", res.Status, publisher.Created)
				}
				if err != nil {
					errs[w] = fmt.Errorf("publish: goroutine %d, %s: %w", w, p.Slug, err)
					return
				}
			}
		})
	}
	wg.Wait()
	res := Result{Goroutines: g, Publishes: g * n, Wall: time.Since(start)}
	for w := range g {
		if errs[w] != nil {
			return res, errs[w]
		}
		res.Latencies = append(res.Latencies, lat[w]...)
	}
	rep, err := s.Verify(ctx)
	if err != nil {
		return res, fmt.Errorf("publish: verify after %d publishes: %w", res.Publishes, err)
	}
	if !rep.OK() || rep.Indexed != res.Publishes || rep.Posts != res.Publishes {
		return res, fmt.Errorf("publish: after %d publishes from %d goroutines Verify found %d posts, %d indexed, problems %v",
			res.Publishes, g, rep.Posts, rep.Indexed, rep.Problems)
	}
	m, err := s.Metrics()
	if err != nil {
		return res, err
	}
	if m.Attempts != uint64(res.Publishes) || m.Successes != uint64(res.Publishes) {
		return res, fmt.Errorf("publish: LOST METRICS: %d publishes counted %d attempts, %d successes", res.Publishes, m.Attempts, m.Successes)
	}
	return res, nil
}
