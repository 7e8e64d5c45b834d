package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"time"

	"github.com/atomicjson/atomicjson/bench/internal/publish"
	"github.com/atomicjson/atomicjson/bench/internal/rmw"
	"github.com/atomicjson/atomicjson/bench/internal/stats"
)

func rmwChild(args []string) error {
	j, err := rmw.ParseJob(args)
	if err != nil {
		return err
	}
	return rmw.Worker(j, os.Stdin, os.Stdout)
}

// rmwWorker returns the command that runs one rmw worker process: the
// runner itself, in the rmw role.
func rmwWorker(exe string) func(rmw.Job) *exec.Cmd {
	return func(j rmw.Job) *exec.Cmd {
		cmd := exec.Command(exe, j.Args()...)
		cmd.Env = append(os.Environ(), childEnv+"="+roleRMW)
		return cmd
	}
}

// rmwSection writes the contended-update tables: UpdateJSON from N
// processes of one goroutine each, and group commit (serial against batched
// from several goroutines, and a lone caller's cost).
func rmwSection(w io.Writer, cfg config, dir string) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	if err := processesTable(w, cfg, dir, exe); err != nil {
		return err
	}
	if err := groupCommitTable(w, cfg, dir, exe); err != nil {
		return err
	}
	return publisherTable(w, cfg, dir)
}

// processesTable runs N worker processes (1, 2, 4, 8) of one goroutine,
// each doing M UpdateJSON increments of one counter, round-robin over N for
// several rounds. A run whose counter does not end at N×M fails the whole
// report.
func processesTable(w io.Writer, cfg config, dir, exe string) error {
	procs := []int{1, 2, 4, 8}
	rounds, m := 3, 100
	if cfg.quick {
		rounds, m = 1, 10
	}
	rates := make([][]float64, len(procs))
	waits := make([][]time.Duration, len(procs))
	holds := make([][]time.Duration, len(procs))
	contended := make([]int, len(procs))
	for r := range rounds {
		logf("rmw: processes, round %d/%d", r+1, rounds)
		for j := range procs {
			pi := (j + r) % len(procs)
			res, err := rmw.Run(dir, procs[pi], rmw.Job{Goroutines: 1, Updates: m, Mode: rmw.Batched}, rmwWorker(exe))
			if err != nil {
				return err
			}
			rates[pi] = append(rates[pi], res.Rate())
			waits[pi] = append(waits[pi], res.Waits...)
			holds[pi] = append(holds[pi], res.Holds...)
			contended[pi] += res.Contended
		}
	}
	base := stats.Median(rates[0])
	fmt.Fprintf(w, "## Contended read-modify-write: atomicfs.UpdateJSON from N processes\n\n")
	fmt.Fprintf(w, "N worker processes (re-executions of the runner), released together, each do %d `UpdateJSON` increments of one counter file from one goroutine; %d rounds, N interleaved. ", m, rounds)
	fmt.Fprintf(w, "Every run checked that the counter ended at exactly N×%d (the report fails otherwise). ", m)
	fmt.Fprintf(w, "Updates/s counts from the first call of any worker to the last return of any (each worker reads the counter once before the start, so no first-call cold cost is in it). Lock waits and holds (read, decode, fn, encode, durable write) come from `WithLockStats`, pooled over all updates of all rounds. The baseline is one process.\n\n")
	fmt.Fprintf(w, "| processes | updates per run | updates/s (median) | vs 1 process | lock wait p50 | lock wait p99 | lock hold p50 | contended | final count |\n")
	fmt.Fprintf(w, "|--:|--:|--:|--:|--:|--:|--:|--:|:-:|\n")
	for pi, n := range procs {
		fmt.Fprintf(w, "| %d | %d | %.0f | %.2f× | %s | %s | %s | %.0f%% | = N×M in all %d runs |\n",
			n, n*m, stats.Median(rates[pi]), stats.Median(rates[pi])/base,
			fmtDur(stats.Percentile(waits[pi], 50).Seconds()), fmtDur(stats.Percentile(waits[pi], 99).Seconds()),
			fmtDur(stats.Percentile(holds[pi], 50).Seconds()),
			100*float64(contended[pi])/float64(len(waits[pi])), rounds)
	}
	fmt.Fprintln(w)
	return nil
}

// gcShape is one row pair of the group-commit table.
type gcShape struct{ procs, goroutines int }

// groupCommitTable runs each shape serial and batched, interleaved round
// after round, with the same number of updates per run, and then a lone
// caller's serial and batched calls side by side; it states whether the
// targets are met.
func groupCommitTable(w io.Writer, cfg config, dir, exe string) error {
	shapes := []gcShape{{1, 1}, {1, 8}, {1, 64}, {4, 16}}
	modes := []rmw.Mode{rmw.Serial, rmw.Batched}
	rounds, total, pairs := 3, 1280, 500
	if cfg.quick {
		rounds, total, pairs = 1, 128, 50
	}
	type cell struct {
		rates     []float64
		latencies []time.Duration
		batches   []int
	}
	cells := make([][]cell, len(shapes))
	for i := range cells {
		cells[i] = make([]cell, len(modes))
	}
	runs := len(shapes) * len(modes)
	for r := range rounds {
		logf("rmw: group commit, round %d/%d", r+1, rounds)
		for k := range runs {
			idx := (k + r) % runs
			si, mi := idx/len(modes), idx%len(modes)
			s := shapes[si]
			job := rmw.Job{Goroutines: s.goroutines, Updates: total / (s.procs * s.goroutines), Mode: modes[mi]}
			res, err := rmw.Run(dir, s.procs, job, rmwWorker(exe))
			if err != nil {
				return err
			}
			c := &cells[si][mi]
			c.rates = append(c.rates, res.Rate())
			c.latencies = append(c.latencies, res.Latencies...)
			c.batches = append(c.batches, res.Batches...)
		}
	}
	logf("rmw: lone caller, %d pairs", pairs)
	lone, err := rmw.LoneCaller(dir, pairs)
	if err != nil {
		return err
	}

	fmt.Fprintf(w, "## Group commit: concurrent atomicfs.UpdateJSON, serial against batched\n\n")
	fmt.Fprintf(w, "P processes × G goroutines increment one counter file with `UpdateJSON`, %d updates per run in all (each goroutine does %d/(P×G)), %d rounds, the %d runs of a round interleaved. ", total, total, rounds, runs)
	fmt.Fprintf(w, "**batched** is `UpdateJSON` as it is: concurrent calls of one process share one lock hold and one durable write (group commit); processes still take turns at the file lock. ")
	fmt.Fprintf(w, "**serial** is the same call with `WithContext(context.Background())`, which keeps a call out of batches: each call takes the lock (a blocking flock, as an unlimited wait is), reads, runs its fn and makes its own durable write (temp, fsync, rename, directory fsync) before unlocking — one durable write per call, what every `Update` did before group commit. A serial call that reported a batch of more than one would fail the report. ")
	fmt.Fprintf(w, "Updates/s and the warm-up are as in the table above. Latency is each call's time from the call to its return (lock wait included), pooled over the rounds; batch size is `LockStats.Batch` of every call (so it is weighted by calls: the batch a typical call was in). Every run checked that the counter ended at exactly %d.\n\n", total)
	fmt.Fprintf(w, "| processes × goroutines | mode | updates/s (median) | vs serial | latency p50 | latency p99 | batch size p50 | batch size max |\n")
	fmt.Fprintf(w, "|--:|:--|--:|--:|--:|--:|--:|--:|\n")
	speedup := make([]float64, len(shapes))
	for si, s := range shapes {
		serial := stats.Median(cells[si][0].rates)
		for mi, m := range modes {
			c := cells[si][mi]
			rate := stats.Median(c.rates)
			if m == rmw.Batched {
				speedup[si] = rate / serial
			}
			fmt.Fprintf(w, "| %d × %d | %s | %.0f | %.2f× | %s | %s | %d | %d |\n",
				s.procs, s.goroutines, m, rate, rate/serial,
				fmtDur(stats.Percentile(c.latencies, 50).Seconds()), fmtDur(stats.Percentile(c.latencies, 99).Seconds()),
				medianInt(c.batches), slices.Max(c.batches))
		}
	}
	fmt.Fprintln(w)
	loneRatio := stats.Median(lone.Ratios)
	fmt.Fprintf(w, "Lone caller, side by side: %d pairs of calls on one file from one goroutine, one serial and one batched per pair, the order flipping every pair (fsync latency drifts within seconds; calls made side by side see the same drift). ", pairs)
	fmt.Fprintf(w, "Median serial call %s, median batched call %s; median per-pair ratio batched/serial **%.3f×**.\n\n",
		fmtDur(median(lone.Serial).Seconds()), fmtDur(median(lone.Batched).Seconds()), loneRatio)
	fmt.Fprintf(w, "Targets:\n\n")
	fmt.Fprintf(w, "- 64 goroutines in one process at least 10× the serial updates/s: %.1f× — %s.\n", speedup[2], verdict(speedup[2] >= 10))
	fmt.Fprintf(w, "- A single caller within 1.05× of the serial path: per-pair ratio %.3f× — %s (the 1 × 1 rows' throughput ratio, from separate runs and so subject to the drift, is %.2f×).\n",
		loneRatio, verdict(loneRatio <= 1.05), speedup[0])
	if cfg.quick {
		fmt.Fprintf(w, "\n(-quick: one round of %d updates per run; the verdicts above are not a measurement.)\n", total)
	}
	fmt.Fprintln(w)
	return nil
}

// publisherTable runs G goroutines (1, 8, 64) publishing distinct posts
// through one publisher.Store, the same number of publishes per run,
// interleaved round after round, each run in a fresh content root that
// must verify clean afterwards.
func publisherTable(w io.Writer, cfg config, dir string) error {
	goroutines := []int{1, 8, 64}
	rounds, total := 3, 256
	if cfg.quick {
		rounds, total = 1, 64
	}
	rates := make([][]float64, len(goroutines))
	lat := make([][]time.Duration, len(goroutines))
	for r := range rounds {
		logf("rmw: publisher, round %d/%d", r+1, rounds)
		for j := range goroutines {
			gi := (j + r) % len(goroutines)
			g := goroutines[gi]
			root, err := os.MkdirTemp(dir, fmt.Sprintf("publish-%d-", g))
			if err != nil {
				return err
			}
			res, err := publish.Run(root, g, total/g)
			if err != nil {
				return err
			}
			if err := os.RemoveAll(root); err != nil {
				return err
			}
			rates[gi] = append(rates[gi], res.Rate())
			lat[gi] = append(lat[gi], res.Latencies...)
		}
	}
	base := stats.Median(rates[0])
	fmt.Fprintf(w, "## Publisher: Publish from G goroutines of one process\n\n")
	fmt.Fprintf(w, "G goroutines publish %d distinct posts in all through one `publisher.Store` (a fresh content root per run), %d rounds, G interleaved. ", total, rounds)
	fmt.Fprintf(w, "Each publish writes the post file, the index backup, the content index and the topic index under the two index locks, then updates the publish metrics and the lock metrics: up to six durable writes (no backup before the index exists). ")
	fmt.Fprintf(w, "None of them is batched: Publish holds the topic index's and the content index's locks together, one publish at a time (see the publisher's package doc for why that is not batched), and the metrics updates pass `WithLockTimeout`, which keeps a call out of batches. ")
	fmt.Fprintf(w, "After every run `Verify` found no problem, every post indexed, and the metrics counted every publish as an attempt and a success.\n\n")
	fmt.Fprintf(w, "| goroutines | publishes per run | publishes/s (median) | vs 1 goroutine | latency p50 | latency p99 |\n")
	fmt.Fprintf(w, "|--:|--:|--:|--:|--:|--:|\n")
	for gi, g := range goroutines {
		fmt.Fprintf(w, "| %d | %d | %.0f | %.2f× | %s | %s |\n", g, total, stats.Median(rates[gi]), stats.Median(rates[gi])/base,
			fmtDur(stats.Percentile(lat[gi], 50).Seconds()), fmtDur(stats.Percentile(lat[gi], 99).Seconds()))
	}
	fmt.Fprintln(w)
	return nil
}

func verdict(met bool) string {
	if met {
		return "met"
	}
	return "**not met**"
}

func medianInt(xs []int) int {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func median(ds []time.Duration) time.Duration { return stats.Percentile(ds, 50) }
