// Package stream writes a large JSON document piece by piece, the way
// atomicfs's docs tell users to stream one: json.Encoder.Encode marshals a
// whole value in memory before writing it, so a large document is encoded
// one element at a time into the pending file. It also samples the peak
// heap while that happens.
package stream

import (
	"encoding/json"
	"io"
	"runtime/metrics"
	"sync"
	"time"

	"github.com/atomicjson/atomicjson/bench/internal/payload"
)

// Doc writes a JSON array of payload records to w, encoding one record at a
// time with a json.Encoder, until at least size bytes are written. It
// returns the number of bytes written.
func Doc(w io.Writer, size int64) (int64, error) {
	cw := &countingWriter{w: w}
	enc := json.NewEncoder(cw)
	if _, err := io.WriteString(cw, "["); err != nil {
		return cw.n, err
	}
	for i := 0; cw.n < size-1; i++ {
		if i > 0 {
			if _, err := io.WriteString(cw, ","); err != nil {
				return cw.n, err
			}
		}
		if err := enc.Encode(payload.NewRecord(i)); err != nil {
			return cw.n, err
		}
	}
	_, err := io.WriteString(cw, "]")
	return cw.n, err
}

// Records returns the records of a document of at least size bytes, as Doc
// would write them, for the contrast run that marshals everything at once.
func Records(size int64) []payload.Record {
	var recs []payload.Record
	cw := &countingWriter{w: io.Discard}
	enc := json.NewEncoder(cw)
	for i := 0; cw.n < size-1; i++ {
		r := payload.NewRecord(i)
		enc.Encode(r) // into io.Discard: only the count matters
		cw.n++        // the comma
		recs = append(recs, r)
	}
	return recs
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// HeapSampler records the largest live heap (heap object bytes) seen while
// it runs, sampling every millisecond.
type HeapSampler struct {
	stop       chan struct{}
	wg         sync.WaitGroup
	base, peak uint64
}

const heapMetric = "/memory/classes/heap/objects:bytes"

// StartHeapSampler starts sampling.
func StartHeapSampler() *HeapSampler {
	h := &HeapSampler{stop: make(chan struct{})}
	h.base = heapNow()
	h.peak = h.base
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-h.stop:
				return
			case <-t.C:
				h.peak = max(h.peak, heapNow())
			}
		}
	}()
	return h
}

// Stop stops sampling and returns how far the heap rose above its size at
// the start, in bytes.
func (h *HeapSampler) Stop() uint64 {
	close(h.stop)
	h.wg.Wait()
	return max(h.peak, heapNow()) - h.base
}

func heapNow() uint64 {
	s := []metrics.Sample{{Name: heapMetric}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
