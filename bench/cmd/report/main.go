// Command report runs the atomicjson benchmarks side by side and writes
// the Markdown report that BENCHMARKS.md holds:
//
//	go -C bench run ./cmd/report -o ../BENCHMARKS.md
//
// It measures atomicfs.WriteFile against a hand-written durable atomic
// write (the floor), the standard library and the peers at four sizes;
// streaming a large JSON document through atomicfs.Create; contended
// UpdateJSON from several processes, and from many goroutines serial
// against batched (group commit); and the atomicjson analyzer against
// no-op analyzers on the same driver, standalone and under go vet. The
// contenders of each comparison run interleaved, round after round, and
// the report quotes medians and ratios to the baseline measured in the same
// run. -quick runs few, short rounds, for iterating on the runner itself.
//
// It needs Linux (fsync semantics, ru_maxrss in KiB) and a disk-backed
// directory for the writes: with -dir unset it uses $TMPDIR unless that is
// a tmpfs, and the bench module's own directory then.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/atomicjson/atomicjson/atomicfs"
)

// config is what the flags set.
type config struct {
	out      string
	quick    bool
	sections map[string]bool
	dir      string
	note     string
}

var allSections = []string{"write", "stream", "rmw", "analyzer"}

func main() {
	if runChild() {
		return
	}
	var cfg config
	var sections string
	flag.StringVar(&cfg.out, "o", "-", "write the Markdown report to this `file` (- for standard output)")
	flag.BoolVar(&cfg.quick, "quick", false, "few, short rounds: for iterating on the runner, not for publishing")
	flag.StringVar(&sections, "sections", strings.Join(allSections, ","), "comma-separated `list` of sections to run")
	flag.StringVar(&cfg.dir, "dir", "", "`directory` for the file-writing benchmarks (must not be tmpfs; default $TMPDIR, or this module's directory if that is tmpfs)")
	flag.StringVar(&cfg.note, "note", "", "a remark printed under the machine description, e.g. that the machine was shared")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: go -C bench run ./cmd/report [flags]\n\nRuns the atomicjson benchmarks and writes a Markdown report.\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "report: unexpected arguments %q\n", flag.Args())
		flag.Usage()
		os.Exit(2)
	}
	cfg.sections = map[string]bool{}
	for s := range strings.SplitSeq(sections, ",") {
		s = strings.TrimSpace(s)
		if !slices.Contains(allSections, s) {
			fmt.Fprintf(os.Stderr, "report: unknown section %q (have %s)\n", s, strings.Join(allSections, ", "))
			os.Exit(2)
		}
		cfg.sections[s] = true
	}
	if err := run(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

func run(cfg config) error {
	start := time.Now()
	dir, err := writeDir(cfg.dir)
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	m, err := describeMachine(dir)
	if err != nil {
		return err
	}
	var body bytes.Buffer
	type section struct {
		name string
		run  func(io.Writer) error
	}
	for _, s := range []section{
		{"write", func(w io.Writer) error { return writeSection(w, cfg, dir) }},
		{"stream", func(w io.Writer) error { return streamSection(w, cfg, dir) }},
		{"rmw", func(w io.Writer) error { return rmwSection(w, cfg, dir) }},
		{"analyzer", func(w io.Writer) error { return analyzerSection(w, cfg) }},
	} {
		if !cfg.sections[s.name] {
			continue
		}
		logf("== %s", s.name)
		t := time.Now()
		if err := s.run(&body); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		logf("== %s done in %s", s.name, time.Since(t).Round(time.Second))
	}
	m.loadAfter = loadAvg()
	var doc bytes.Buffer
	writeHeader(&doc, cfg, m, time.Since(start))
	doc.Write(body.Bytes())
	if cfg.out == "-" {
		_, err = os.Stdout.Write(doc.Bytes())
		return err
	}
	if err := atomicfs.WriteFile(cfg.out, doc.Bytes(), 0o644); err != nil {
		return err
	}
	logf("wrote %s in %s", cfg.out, time.Since(start).Round(time.Second))
	return nil
}

// logf reports progress on standard error, so that a long run shows life.
func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}
