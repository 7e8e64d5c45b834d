package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"time"

	"github.com/atomicjson/atomicjson/bench/internal/rmw"
	"github.com/atomicjson/atomicjson/bench/internal/stats"
)

func rmwChild(args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("want path and count, got %q", args)
	}
	m, err := atoi(args[1])
	if err != nil {
		return err
	}
	return rmw.Worker(args[0], m, os.Stdin, os.Stdout)
}

// rmwSection runs N worker processes (1, 2, 4, 8), each doing M UpdateJSON
// increments of one counter, round-robin over N for several rounds. A run
// whose counter does not end at N×M fails the whole report.
func rmwSection(w io.Writer, cfg config, dir string) error {
	procs := []int{1, 2, 4, 8}
	rounds, m := 3, 100
	if cfg.quick {
		rounds, m = 1, 10
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	rates := make([][]float64, len(procs))
	waits := make([][]time.Duration, len(procs))
	holds := make([][]time.Duration, len(procs))
	contended := make([]int, len(procs))
	for r := range rounds {
		logf("rmw: round %d/%d", r+1, rounds)
		for j := range procs {
			pi := (j + r) % len(procs)
			res, err := rmw.Run(dir, procs[pi], m, func(path string, m int) *exec.Cmd {
				cmd := exec.Command(exe, path, strconv.Itoa(m))
				cmd.Env = append(os.Environ(), childEnv+"="+roleRMW)
				return cmd
			})
			if err != nil {
				return err
			}
			rates[pi] = append(rates[pi], float64(res.Updates)/res.Wall.Seconds())
			waits[pi] = append(waits[pi], res.Waits...)
			holds[pi] = append(holds[pi], res.Holds...)
			contended[pi] += res.Contended
		}
	}
	base := stats.Median(rates[0])
	fmt.Fprintf(w, "## Contended read-modify-write: atomicfs.UpdateJSON from N processes\n\n")
	fmt.Fprintf(w, "N worker processes (re-executions of the runner), released together, each do %d `UpdateJSON` increments of one counter file; %d rounds, N interleaved. ", m, rounds)
	fmt.Fprintf(w, "Every run checked that the counter ended at exactly N×%d (the report fails otherwise). ", m)
	fmt.Fprintf(w, "Lock waits and holds (read, decode, fn, encode, durable write) come from `WithLockStats`, pooled over all updates of all rounds. The baseline is one process.\n\n")
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
