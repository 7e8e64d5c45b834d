package bench

import (
	"strconv"
	"testing"

	"github.com/atomicjson/atomicjson/bench/internal/publish"
	"github.com/atomicjson/atomicjson/bench/internal/stats"
)

// BenchmarkPublishGoroutines has G goroutines publish b.N distinct posts
// each through one publisher.Store; afterwards the root must verify clean
// with every post indexed and every publish counted (package publish).
// Under -short it runs 8 goroutines only.
func BenchmarkPublishGoroutines(b *testing.B) {
	goroutines := []int{1, 8, 64}
	if testing.Short() {
		goroutines = []int{8}
	}
	for _, g := range goroutines {
		b.Run("goroutines="+strconv.Itoa(g), func(b *testing.B) {
			dir := benchDir(b)
			b.ResetTimer()
			res, err := publish.Run(dir, g, b.N)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(res.Rate(), "publishes/s")
			b.ReportMetric(float64(stats.Percentile(res.Latencies, 99).Microseconds()), "p99-latency-us")
			b.ReportMetric(0, "ns/op") // the time of one b.N round of g publishes means nothing
		})
	}
}
