package rmw

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestJobArgsRoundTrip(t *testing.T) {
	for _, j := range []Job{{"/tmp/a:b.json", 64, 10, Batched}, {"c.json", 1, 1, Serial}} {
		got, err := ParseJob(j.Args())
		if err != nil || got != j {
			t.Errorf("ParseJob(%q) = %+v, %v; want %+v", j.Args(), got, err, j)
		}
	}
	for _, args := range [][]string{
		{"p", "0", "1", "serial"},
		{"p", "1", "x", "serial"},
		{"p", "1", "1", "parallel"},
		{"p", "1", "1"},
	} {
		if _, err := ParseJob(args); err == nil {
			t.Errorf("ParseJob(%q) accepted a bad job", args)
		}
	}
}

// TestWorker runs a worker in this process in each mode and checks the
// counter, the report's sample counts, and that serial calls never share a
// batch.
func TestWorker(t *testing.T) {
	for _, mode := range []Mode{Serial, Batched} {
		t.Run(string(mode), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "counter.json")
			var out bytes.Buffer
			if err := Worker(Job{path, 8, 5, mode}, strings.NewReader("x"), &out); err != nil {
				t.Fatal(err)
			}
			var rep WorkerReport
			if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
				t.Fatalf("report %q: %v", out.Bytes(), err)
			}
			if len(rep.Latencies) != 40 || len(rep.Waits) != 40 || len(rep.Batches) != 40 {
				t.Errorf("report has %d latencies, %d waits, %d batches; want 40 each", len(rep.Latencies), len(rep.Waits), len(rep.Batches))
			}
			if mode == Serial && slices.Max(rep.Batches) != 1 {
				t.Errorf("serial calls shared batches: %v", rep.Batches)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var c Counter
			if err := json.Unmarshal(data, &c); err != nil || c.N != 40 {
				t.Errorf("counter is %s (%v), want 40", data, err)
			}
		})
	}
}

func TestLoneCaller(t *testing.T) {
	l, err := LoneCaller(t.TempDir(), 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Ratios) != 3 || len(l.Serial) != 3 || len(l.Batched) != 3 {
		t.Errorf("LoneCaller(3) = %d ratios, %d serial, %d batched; want 3 each", len(l.Ratios), len(l.Serial), len(l.Batched))
	}
}
