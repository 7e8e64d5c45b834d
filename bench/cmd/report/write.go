package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/atomicjson/atomicjson/bench/internal/payload"
	"github.com/atomicjson/atomicjson/bench/internal/stats"
	"github.com/atomicjson/atomicjson/bench/internal/writers"
)

var writeSizes = []struct {
	name string
	n    int
}{{"1 KiB", 1 << 10}, {"64 KiB", 64 << 10}, {"1 MiB", 1 << 20}, {"16 MiB", 16 << 20}}

// atomicfsTarget is the target: atomicfs.WriteFile at most 1.10×
// the floor at every size, verification included.
const atomicfsTarget = 1.10

// writeSection times every contender replacing an existing JSON file at
// every size. A round visits every size and, within it, every contender in
// an order rotated by one each round; a cell is k back-to-back writes
// (k calibrated so that a cell lasts about cellTarget), timed as a whole.
// sync(2) runs after each cell, untimed, so that the dirty pages a
// non-durable contender leaves behind are not flushed on the next
// contender's clock.
func writeSection(w io.Writer, cfg config, dir string) error {
	rounds, cellTarget := 9, 200*time.Millisecond
	if cfg.quick {
		rounds, cellTarget = 2, 20*time.Millisecond
	}
	contenders := writers.All()
	type cell struct {
		path  string
		k     int
		perOp []float64 // seconds per write, one per round
	}
	cells := make([][]*cell, len(writeSizes))
	data := make([][]byte, len(writeSizes))
	for si, size := range writeSizes {
		data[si] = payload.JSON(size.n)
		for ci, c := range contenders {
			d := filepath.Join(dir, fmt.Sprintf("write-%d-%d", si, ci))
			if err := os.Mkdir(d, 0o755); err != nil {
				return err
			}
			path := filepath.Join(d, "doc.json")
			// The first write creates the target; the second, which
			// replaces it as every timed write does, calibrates k.
			if err := c.Write(path, data[si]); err != nil {
				return fmt.Errorf("%s at %s: %w", c.Name, size.name, err)
			}
			t := time.Now()
			if err := c.Write(path, data[si]); err != nil {
				return fmt.Errorf("%s at %s: %w", c.Name, size.name, err)
			}
			k := int(cellTarget / max(time.Since(t), time.Microsecond))
			cells[si] = append(cells[si], &cell{path: path, k: max(1, min(k, 500))})
		}
	}
	syscall.Sync()
	for r := range rounds {
		logf("write: round %d/%d", r+1, rounds)
		for si := range writeSizes {
			for j := range contenders {
				ci := (j + r) % len(contenders)
				c, cl := contenders[ci], cells[si][ci]
				t := time.Now()
				for range cl.k {
					if err := c.Write(cl.path, data[si]); err != nil {
						return fmt.Errorf("%s at %s: %w", c.Name, writeSizes[si].name, err)
					}
				}
				cl.perOp = append(cl.perOp, time.Since(t).Seconds()/float64(cl.k))
				syscall.Sync()
			}
		}
	}
	for si := range writeSizes {
		for ci, c := range contenders {
			if err := writers.Check(cells[si][ci].path, data[si]); err != nil {
				return fmt.Errorf("%s at %s left the wrong content: %w", c.Name, writeSizes[si].name, err)
			}
		}
	}

	// The ratio of a contender to the floor is the median over rounds of
	// the ratio within each round: pairing cancels the slow drift of a
	// shared machine's load.
	ratio := func(si, ci int) float64 {
		var rs []float64
		for r := range cells[si][ci].perOp {
			rs = append(rs, cells[si][ci].perOp[r]/cells[si][0].perOp[r])
		}
		return stats.Median(rs)
	}

	fmt.Fprintf(w, "## atomicfs.WriteFile against the floor and the peers\n\n")
	fmt.Fprintf(w, "Replacing an existing JSON file (valid JSON, the same bytes for every contender). ")
	fmt.Fprintf(w, "Each cell: median time per write over %d interleaved rounds, and in parentheses the median of the per-round ratios to the floor. ", rounds)
	fmt.Fprintf(w, "The floor is a hand-written minimal durable atomic write: temp file in the same directory, write, fsync, close, rename, directory fsync.\n\n")
	fmt.Fprintf(w, "| contender | atomic | durable file | durable rename | verified |")
	for _, s := range writeSizes {
		fmt.Fprintf(w, " %s |", s.name)
	}
	fmt.Fprintf(w, "\n|---|:-:|:-:|:-:|:-:|")
	for range writeSizes {
		fmt.Fprintf(w, "--:|")
	}
	fmt.Fprintln(w)
	yes := map[bool]string{true: "yes", false: "no"}
	for ci, c := range contenders {
		g := c.Guarantees
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |", c.Name, yes[g.Atomic], yes[g.DurableFile], yes[g.DurableRename], yes[g.Verified])
		for si := range writeSizes {
			fmt.Fprintf(w, " %s (%.2f×) |", fmtDur(stats.Median(cells[si][ci].perOp)), ratio(si, ci))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w)
	for _, c := range contenders {
		fmt.Fprintf(w, "- **%s**: %s.\n", c.Name, c.Note)
	}
	fmt.Fprintln(w)

	// Noise: the widest relative range of any cell, so a reader can judge
	// how far to trust a 5% difference.
	worst, worstAt := 0.0, ""
	for si, s := range writeSizes {
		for ci, c := range contenders {
			if sp := stats.Spread(cells[si][ci].perOp); sp > worst {
				worst, worstAt = sp, c.Name+" at "+s.name
			}
		}
	}
	fmt.Fprintf(w, "Noise: the widest (max−min)/median over rounds of any cell is %.0f%% (%s).\n\n", worst*100, worstAt)

	ai := slices.IndexFunc(contenders, func(c writers.Writer) bool { return c.Name == "atomicfs" })
	var missed []string
	for si, s := range writeSizes {
		if r := ratio(si, ai); r > atomicfsTarget {
			missed = append(missed, fmt.Sprintf("%s (%.2f×)", s.name, r))
		}
	}
	if len(missed) == 0 {
		fmt.Fprintf(w, "**Target met**: atomicfs.WriteFile is within %.2f× the floor at every size, verification included.\n\n", atomicfsTarget)
	} else {
		fmt.Fprintf(w, "**Target missed**: atomicfs.WriteFile is above %.2f× the floor at %s.", atomicfsTarget, strings.Join(missed, ", "))
		if ni := slices.IndexFunc(contenders, func(c writers.Writer) bool { return c.Name == "atomicfs WithoutVerify" }); ni >= 0 {
			var nv []string
			for si, s := range writeSizes {
				nv = append(nv, fmt.Sprintf("%s %.2f×", s.name, ratio(si, ni)))
			}
			fmt.Fprintf(w, " Without the read-back verification it runs at %s of the floor: the difference is what verifying costs (reading the file back from the page cache and comparing), which grows with the size while the floor's fsync dominates less.", strings.Join(nv, ", "))
		}
		fmt.Fprintf(w, "\n\n")
	}
	return nil
}

// fmtDur prints seconds with three significant digits in a readable unit.
func fmtDur(sec float64) string {
	d := time.Duration(sec * float64(time.Second))
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.3g s", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.3g ms", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%.3g µs", float64(d)/float64(time.Microsecond))
	}
}

// fmtBytes prints a byte count in MiB (or KiB when small).
func fmtBytes(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}
