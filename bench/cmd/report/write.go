package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/atomicjson/atomicjson/bench/internal/payload"
	"github.com/atomicjson/atomicjson/bench/internal/stats"
	"github.com/atomicjson/atomicjson/bench/internal/writers"
)

// writeSizes are the payload sizes, with the number of timed writes per
// contender at each (fewer for the large ones, whose writes are long and
// steadier).
var writeSizes = []struct {
	name    string
	n       int
	samples int
}{{"1 KiB", 1 << 10, 500}, {"64 KiB", 64 << 10, 500}, {"1 MiB", 1 << 20, 200}, {"16 MiB", 16 << 20, 60}}

// atomicfsTarget is the project's speed target for atomicfs: WriteFile at
// most 1.10× the floor at every size, verification included.
const atomicfsTarget = 1.10

// writeSection times every contender replacing an existing JSON file at
// every size. The contenders are interleaved write by write: one timed
// write of each, in an order rotated every time, then again, so that the
// drift of a shared machine and of the disk falls on all of them alike.
// sync(2) runs before every timed write, untimed, so that each starts with
// nothing dirty: the pages a non-durable contender leaves behind are not
// flushed on the next contender's clock.
func writeSection(w io.Writer, cfg config, dir string) error {
	contenders := writers.All()
	samples := make([][][]float64, len(writeSizes)) // [size][contender] seconds per write
	paths := make([][]string, len(writeSizes))
	data := make([][]byte, len(writeSizes))
	for si, size := range writeSizes {
		data[si] = payload.JSON(size.n)
		samples[si] = make([][]float64, len(contenders))
		for ci, c := range contenders {
			d := filepath.Join(dir, fmt.Sprintf("write-%d-%d", si, ci))
			if err := os.Mkdir(d, 0o755); err != nil {
				return err
			}
			path := filepath.Join(d, "doc.json")
			// Every timed write replaces an existing target.
			if err := c.Write(path, data[si]); err != nil {
				return fmt.Errorf("%s at %s: %w", c.Name, size.name, err)
			}
			if c.Prepare != nil {
				if err := c.Prepare(path); err != nil {
					return fmt.Errorf("%s at %s: %w", c.Name, size.name, err)
				}
			}
			paths[si] = append(paths[si], path)
		}
	}
	for si, size := range writeSizes {
		n := size.samples
		if cfg.quick {
			n = max(3, n/10)
		}
		logf("write: %s, %d writes per contender", size.name, n)
		for i := range n {
			for j := range contenders {
				ci := (i + j) % len(contenders)
				syscall.Sync()
				t := time.Now()
				if err := contenders[ci].Write(paths[si][ci], data[si]); err != nil {
					return fmt.Errorf("%s at %s: %w", contenders[ci].Name, size.name, err)
				}
				samples[si][ci] = append(samples[si][ci], time.Since(t).Seconds())
			}
		}
		for ci, c := range contenders {
			if err := writers.Check(paths[si][ci], data[si]); err != nil {
				return fmt.Errorf("%s at %s left the wrong content: %w", c.Name, size.name, err)
			}
			if c.Kept != nil {
				if err := c.Kept(paths[si][ci]); err != nil {
					return fmt.Errorf("%s at %s: %w", c.Name, size.name, err)
				}
			}
		}
	}
	ratio := func(si, ci int) float64 {
		return stats.Median(samples[si][ci]) / stats.Median(samples[si][0])
	}

	fmt.Fprintf(w, "## atomicfs.WriteFile against the floor and the peers\n\n")
	fmt.Fprintf(w, "Replacing an existing JSON file (valid JSON, the same bytes for every contender). ")
	fmt.Fprintf(w, "Each cell: the median time of one write, and in parentheses its ratio to the floor's median; %s timed writes per contender at 1 KiB … 16 MiB, interleaved write by write, with sync(2) (untimed) before each so that none starts with another's dirty pages. ", sampleCounts(cfg))
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
			fmt.Fprintf(w, " %s (%.2f×) |", fmtDur(stats.Median(samples[si][ci])), ratio(si, ci))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w)
	for _, c := range contenders {
		fmt.Fprintf(w, "- **%s**: %s.\n", c.Name, c.Note)
	}
	fmt.Fprintln(w)

	// Noise: the floor's interquartile range relative to its median, so a
	// reader can judge how far to trust a 5% difference.
	var noise []string
	for si, size := range writeSizes {
		q1, q3 := stats.Quantile(samples[si][0], 0.25), stats.Quantile(samples[si][0], 0.75)
		noise = append(noise, fmt.Sprintf("%s ±%.0f%%", size.name, 50*(q3-q1)/stats.Median(samples[si][0])))
	}
	fmt.Fprintf(w, "Noise: half the interquartile range of the floor's writes, relative to its median: %s.\n\n", strings.Join(noise, ", "))

	ai := slices.IndexFunc(contenders, func(c writers.Writer) bool { return c.Name == "atomicfs" })
	var missed, detail []string
	for si, s := range writeSizes {
		r := ratio(si, ai)
		lo, hi := stats.RatioInterval(samples[si][ai], samples[si][0])
		detail = append(detail, fmt.Sprintf("%s %.2f× (95%% interval %.2f–%.2f)", s.name, r, lo, hi))
		if r > atomicfsTarget {
			missed = append(missed, fmt.Sprintf("%s (%.2f×)", s.name, r))
		}
	}
	fmt.Fprintf(w, "atomicfs against the floor, with bootstrap intervals of the ratio of medians: %s.\n\n", strings.Join(detail, ", "))
	if len(missed) == 0 {
		fmt.Fprintf(w, "**Target met**: atomicfs.WriteFile is within %.2f× the floor at every size, verification included.\n\n", atomicfsTarget)
	} else {
		fmt.Fprintf(w, "**Target missed**: atomicfs.WriteFile is above %.2f× the floor at %s.", atomicfsTarget, strings.Join(missed, ", "))
		if ni := slices.IndexFunc(contenders, func(c writers.Writer) bool { return c.Name == "atomicfs WithoutVerify" }); ni >= 0 {
			var nv []string
			for si, s := range writeSizes {
				nv = append(nv, fmt.Sprintf("%s %.2f×", s.name, ratio(si, ni)))
			}
			fmt.Fprintf(w, " Without the read-back verification it runs at %s of the floor: the difference is what verifying costs (reading the file back from the page cache and comparing it with the bytes written).", strings.Join(nv, ", "))
		}
		fmt.Fprintf(w, "\n\n")
	}
	return nil
}

func sampleCounts(cfg config) string {
	var ns []string
	for _, size := range writeSizes {
		n := size.samples
		if cfg.quick {
			n = max(3, n/10)
		}
		ns = append(ns, strconv.Itoa(n))
	}
	return strings.Join(ns, "/")
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
