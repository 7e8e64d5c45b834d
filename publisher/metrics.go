package publisher

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Metrics are the publish metrics kept in MetricsFile. Every Publish that passes validation counts
// as one attempt, and as one success or one failure under its Code.
type Metrics struct {
	Attempts  uint64          `json:"attempts"`
	Successes uint64          `json:"successes"`
	Failures  map[Code]uint64 `json:"failures"`
	Duration  Summary         `json:"duration"`
	UpdatedAt time.Time       `json:"updatedAt,omitzero"`
}

// FailureCount returns the number of failures over all codes.
func (m Metrics) FailureCount() uint64 {
	var n uint64
	for _, c := range m.Failures {
		n += c
	}
	return n
}

// LockMetrics are the lock metrics kept in LockMetricsFile: one acquisition per lock a Store took,
// counted whether or not it had to wait.
type LockMetrics struct {
	Acquisitions uint64    `json:"acquisitions"`
	Contended    uint64    `json:"contended"`
	Timeouts     uint64    `json:"timeouts"`
	Wait         Summary   `json:"wait"`
	Hold         Summary   `json:"hold"`
	UpdatedAt    time.Time `json:"updatedAt,omitzero"`
}

// Summary summarizes durations: count, sum, min, max in milliseconds, and a histogram over fixed
// buckets. Bucket counts are not cumulative: a duration is counted in the first bucket whose upper
// bound Le it does not exceed.
type Summary struct {
	Count   uint64   `json:"count"`
	SumMs   float64  `json:"sumMs"`
	MinMs   float64  `json:"minMs"`
	MaxMs   float64  `json:"maxMs"`
	Buckets []Bucket `json:"buckets"`
}

// Bucket is one histogram bucket: durations up to Le ("1ms", ..., "+Inf").
type Bucket struct {
	Le    string `json:"le"`
	Count uint64 `json:"count"`
}

// bucketBounds are the upper bounds of the fixed buckets; a last "+Inf" bucket follows.
var bucketBounds = []time.Duration{
	time.Millisecond, 5 * time.Millisecond, 10 * time.Millisecond, 50 * time.Millisecond,
	100 * time.Millisecond, 500 * time.Millisecond, time.Second, 5 * time.Second,
}

func bucketLabel(i int) string {
	if i == len(bucketBounds) {
		return "+Inf"
	}
	return bucketBounds[i].String()
}

// observe adds one duration to the summary.
func (s *Summary) observe(d time.Duration) {
	s.normalize()
	ms := float64(d) / float64(time.Millisecond)
	if s.Count == 0 || ms < s.MinMs {
		s.MinMs = ms
	}
	if ms > s.MaxMs {
		s.MaxMs = ms
	}
	s.Count++
	s.SumMs += ms
	i := 0
	for i < len(bucketBounds) && d > bucketBounds[i] {
		i++
	}
	s.Buckets[i].Count++
}

// normalize makes sure the summary has exactly the fixed buckets, keeping the counts of the
// buckets it already has.
func (s *Summary) normalize() {
	if len(s.Buckets) == len(bucketBounds)+1 {
		ok := true
		for i, b := range s.Buckets {
			ok = ok && b.Le == bucketLabel(i)
		}
		if ok {
			return
		}
	}
	old := map[string]uint64{}
	for _, b := range s.Buckets {
		old[b.Le] += b.Count
	}
	s.Buckets = make([]Bucket, len(bucketBounds)+1)
	for i := range s.Buckets {
		s.Buckets[i] = Bucket{Le: bucketLabel(i), Count: old[bucketLabel(i)]}
	}
}

// Mean returns the mean duration in milliseconds, 0 if there are none.
func (s Summary) Mean() float64 {
	if s.Count == 0 {
		return 0
	}
	return s.SumMs / float64(s.Count)
}

// decodeMetrics parses a metrics file into v; nil data is the zero value.
func decodeMetrics(data []byte, v any, name string) error {
	if data == nil {
		return nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s does not parse: %w", name, err)
	}
	return nil
}

// recordPublish counts one publish attempt in the metrics with a locked read-modify-write.
func (s *Store) recordPublish(ctx context.Context, rec *lockRecorder, code Code, d time.Duration) error {
	err := updateJSON(s, ctx, rec, MetricsFile, func(m *Metrics) error {
		if m.Failures == nil {
			m.Failures = map[Code]uint64{}
		}
		m.Attempts++
		if code == "" {
			m.Successes++
		} else {
			m.Failures[code]++
		}
		m.Duration.observe(d)
		m.UpdatedAt = s.timestamp()
		return nil
	})
	if err != nil {
		return &Error{Op: "record metrics", Code: CodeMetrics, Err: err}
	}
	return nil
}

// recordLocks adds the lock statistics rec collected to the lock metrics, with a locked
// read-modify-write whose own lock is deliberately not recorded (that would never settle). Only
// operations that write record their locks: the shared locks of a Verify are not metrics, and a
// Verify writes nothing at all.
func (s *Store) recordLocks(ctx context.Context, rec *lockRecorder) error {
	rec.mu.Lock()
	stats, timeouts := rec.stats, rec.timeouts
	rec.stats, rec.timeouts = nil, 0
	rec.mu.Unlock()
	if len(stats) == 0 && timeouts == 0 {
		return nil
	}
	err := updateJSON(s, ctx, &lockRecorder{}, LockMetricsFile, func(m *LockMetrics) error {
		for _, st := range stats {
			m.Acquisitions++
			if st.Contended {
				m.Contended++
			}
			m.Wait.observe(st.Wait)
			m.Hold.observe(st.Hold)
		}
		m.Timeouts += uint64(timeouts)
		m.UpdatedAt = s.timestamp()
		return nil
	})
	if err != nil {
		return &Error{Op: "record lock metrics", Code: CodeMetrics, Err: err}
	}
	return nil
}

// recordLocksAfter records rec's lock statistics once an operation that ended with err is over,
// even if ctx was canceled (the locks were taken either way), and returns err, or the recording's
// error if err is nil.
func (s *Store) recordLocksAfter(ctx context.Context, rec *lockRecorder, err error) error {
	if lerr := s.recordLocks(context.WithoutCancel(ctx), rec); err == nil {
		return lerr
	}
	return err
}

// Metrics returns the publish metrics. A root without metrics yet gives zero metrics.
func (s *Store) Metrics() (Metrics, error) {
	var m Metrics
	data, err := s.readFile(MetricsFile)
	if err == nil {
		err = decodeMetrics(data, &m, MetricsFile)
	}
	if err != nil {
		return Metrics{}, &Error{Op: "metrics", Code: CodeMetrics, Err: err}
	}
	if m.Failures == nil {
		m.Failures = map[Code]uint64{}
	}
	m.Duration.normalize()
	return m, nil
}

// LockMetrics returns the lock metrics. A root without lock metrics yet gives zero metrics.
func (s *Store) LockMetrics() (LockMetrics, error) {
	var m LockMetrics
	data, err := s.readFile(LockMetricsFile)
	if err == nil {
		err = decodeMetrics(data, &m, LockMetricsFile)
	}
	if err != nil {
		return LockMetrics{}, &Error{Op: "lock metrics", Code: CodeMetrics, Err: err}
	}
	m.Wait.normalize()
	m.Hold.normalize()
	return m, nil
}
