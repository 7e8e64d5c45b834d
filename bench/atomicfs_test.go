package bench

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/atomicjson/atomicjson/atomicfs"
	"github.com/atomicjson/atomicjson/bench/internal/payload"
	"github.com/atomicjson/atomicjson/bench/internal/rmw"
	"github.com/atomicjson/atomicjson/bench/internal/stats"
	"github.com/atomicjson/atomicjson/bench/internal/stream"
	"github.com/atomicjson/atomicjson/bench/internal/writers"
)

// rmwChildEnv switches the test binary into an UpdateJSON worker for
// BenchmarkUpdateJSONContended; the job's arguments (rmw.Job.Args) follow
// the test flags.
const rmwChildEnv = "ATOMICJSON_BENCH_RMW_WORKER"

func TestMain(m *testing.M) {
	if os.Getenv(rmwChildEnv) != "" {
		flag.Parse()
		j, err := rmw.ParseJob(flag.Args())
		if err == nil {
			err = rmw.Worker(j, os.Stdin, os.Stdout)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// smallest returns the first element of cases alone under -short: CI runs
// every benchmark once (-short -benchtime=1x) at its smallest size, so
// that the benchmarks keep compiling and working without taking long.
func smallest[T any](cases []T) []T {
	if testing.Short() {
		return cases[:1]
	}
	return cases
}

// sizes are the WriteFile payload sizes, smallest first.
var sizes = []struct {
	name string
	n    int
}{{"1KiB", 1 << 10}, {"64KiB", 64 << 10}, {"1MiB", 1 << 20}, {"16MiB", 16 << 20}}

// benchDir returns a fresh directory on a disk-backed file system: fsync
// and rename cost nothing on tmpfs, so a tmpfs measurement would say
// nothing. ATOMICJSON_BENCH_DIR overrides the choice.
func benchDir(b *testing.B) string {
	b.Helper()
	parent := os.Getenv("ATOMICJSON_BENCH_DIR")
	if parent == "" {
		parent = os.TempDir()
		if onTmpfs(parent) {
			parent = "." // the module directory, on the project's disk
		}
	}
	dir, err := os.MkdirTemp(parent, "atomicjson-bench-")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func onTmpfs(dir string) bool {
	var st syscall.Statfs_t
	const tmpfsMagic = 0x01021994
	return syscall.Statfs(dir, &st) == nil && st.Type == tmpfsMagic
}

// BenchmarkWriteFile replaces an existing JSON file with each contender.
// The report runner (cmd/report) runs the same contenders interleaved and
// quotes ratios to the floor; this benchmark is for go test -bench users
// and keeps the contenders compiling and correct in CI.
func BenchmarkWriteFile(b *testing.B) {
	for _, size := range smallest(sizes) {
		data := payload.JSON(size.n)
		for _, w := range writers.All() {
			b.Run(size.name+"/"+w.Name, func(b *testing.B) {
				path := filepath.Join(benchDir(b), "doc.json")
				if err := w.Write(path, data); err != nil {
					b.Fatal(err)
				}
				if w.Prepare != nil {
					if err := w.Prepare(path); err != nil {
						b.Fatal(err)
					}
				}
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					if err := w.Write(path, data); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				if err := writers.Check(path, data); err != nil {
					b.Fatal(err)
				}
				if w.Kept != nil {
					if err := w.Kept(path); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkCreateCommitStream streams a JSON document through
// atomicfs.Create and a json.Encoder, one element at a time, and reports
// the peak live heap above the heap at the start: it must stay far below
// the document size.
func BenchmarkCreateCommitStream(b *testing.B) {
	for _, size := range smallest([]struct {
		name string
		n    int64
	}{{"1MiB", 1 << 20}, {"16MiB", 16 << 20}}) {
		b.Run(size.name, func(b *testing.B) {
			path := filepath.Join(benchDir(b), "stream.json")
			var peak uint64
			var written int64
			for b.Loop() {
				h := stream.StartHeapSampler()
				f, err := atomicfs.Create(path, 0o644)
				if err != nil {
					b.Fatal(err)
				}
				written, err = stream.Doc(f, size.n)
				if err != nil {
					f.Close()
					b.Fatal(err)
				}
				if err := f.Commit(); err != nil {
					b.Fatal(err)
				}
				f.Close()
				peak = max(peak, h.Stop())
			}
			b.SetBytes(written)
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
			b.ReportMetric(float64(written)/(1<<20), "doc-MiB")
			if st, err := os.Stat(path); err != nil || st.Size() != written {
				b.Fatalf("committed file: %v, size %d, want %d", err, st.Size(), written)
			}
		})
	}
}

// rmwWorker returns the command that runs one rmw worker process: this
// test binary, running no tests, switched by rmwChildEnv.
func rmwWorker(j rmw.Job) *exec.Cmd {
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$", "--"}, j.Args()...)...)
	cmd.Env = append(os.Environ(), rmwChildEnv+"=1")
	return cmd
}

// BenchmarkUpdateJSONContended runs N worker processes (re-executions of
// this test binary) that each increment one counter b.N times through
// atomicfs.UpdateJSON from one goroutine; the counter must end at N×b.N.
// Under -short it runs 2 processes only: the smallest case that still
// contends.
func BenchmarkUpdateJSONContended(b *testing.B) {
	procs := []int{1, 2, 4, 8}
	if testing.Short() {
		procs = []int{2}
	}
	for _, n := range procs {
		b.Run("procs="+strconv.Itoa(n), func(b *testing.B) {
			dir := benchDir(b)
			b.ResetTimer()
			res, err := rmw.Run(dir, n, rmw.Job{Goroutines: 1, Updates: b.N, Mode: rmw.Batched}, rmwWorker)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(res.Rate(), "updates/s")
			b.ReportMetric(float64(stats.Percentile(res.Waits, 99).Microseconds()), "p99-wait-us")
			b.ReportMetric(0, "ns/op") // the time of one b.N round of n updates means nothing
		})
	}
}

// BenchmarkUpdateJSONGroupCommit runs P worker processes of G goroutines
// that each increment one counter b.N times, serial (one durable write per
// call) and batched (group commit; see package rmw); the counter must end
// at P×G×b.N. It reports updates/s, the p99 call latency and the mean
// batch size the calls saw. Under -short it runs 4 processes × 16
// goroutines only, which contends both within and across processes.
func BenchmarkUpdateJSONGroupCommit(b *testing.B) {
	shapes := []struct{ procs, goroutines int }{{1, 1}, {1, 8}, {1, 64}, {4, 16}}
	if testing.Short() {
		shapes = shapes[3:]
	}
	for _, s := range shapes {
		for _, mode := range []rmw.Mode{rmw.Serial, rmw.Batched} {
			b.Run(fmt.Sprintf("procs=%d/goroutines=%d/mode=%s", s.procs, s.goroutines, mode), func(b *testing.B) {
				dir := benchDir(b)
				b.ResetTimer()
				res, err := rmw.Run(dir, s.procs, rmw.Job{Goroutines: s.goroutines, Updates: b.N, Mode: mode}, rmwWorker)
				if err != nil {
					b.Fatal(err)
				}
				sum := 0
				for _, n := range res.Batches {
					sum += n
				}
				b.ReportMetric(res.Rate(), "updates/s")
				b.ReportMetric(float64(stats.Percentile(res.Latencies, 99).Microseconds()), "p99-latency-us")
				b.ReportMetric(float64(sum)/float64(len(res.Batches)), "batch")
				b.ReportMetric(0, "ns/op") // the time of one b.N round means nothing
			})
		}
	}
}
