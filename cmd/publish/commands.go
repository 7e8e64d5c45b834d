package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/atomicjson/atomicjson/publisher"
)

func cmdPost(c *cli, _ *flag.FlagSet, args []string) int {
	if len(args) == 0 {
		return c.usageError("no post files given")
	}
	st, err := c.store(false)
	if err != nil {
		return c.fail(err)
	}
	status := exitOK
	for _, name := range args {
		if err := c.postOne(st, name); err != nil {
			fmt.Fprintf(c.stderr, "publish: post %s: %s\n", displayName(name), errorLine(err))
			status = exitError
		}
		if c.ctx.Err() != nil {
			return exitError
		}
	}
	return status
}

func displayName(name string) string {
	if name == "-" {
		return "(stdin)"
	}
	return name
}

func (c *cli) postOne(st *publisher.Store, name string) error {
	r := c.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	// No limit of the command's own: the publisher's, on the post file it would write, is the only
	// one, so that the command accepts exactly what the API accepts.
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	res, err := st.PublishJSON(c.ctx, data)
	if res.Status != "" {
		fmt.Fprintf(c.stdout, "%-9s %s (%s)\n", res.Status, res.Entry.Slug, res.Path)
	}
	return err
}

func cmdUnpublish(c *cli, _ *flag.FlagSet, args []string) int {
	if len(args) == 0 {
		return c.usageError("no slug given")
	}
	st, err := c.store(true)
	if err != nil {
		return c.fail(err)
	}
	status := exitOK
	for _, slug := range args {
		if err := st.Unpublish(c.ctx, slug); err != nil {
			fmt.Fprintf(c.stderr, "publish: unpublish: %s\n", errorLine(err))
			status = exitError
			continue
		}
		fmt.Fprintf(c.stdout, "unpublished %s\n", slug)
	}
	return status
}

// noArgs rejects positional arguments for commands that take none.
func noArgs(c *cli, args []string) (int, bool) {
	if len(args) > 0 {
		return c.usageError(fmt.Sprintf("unexpected argument %q", args[0])), false
	}
	return 0, true
}

func boolFlag(fs *flag.FlagSet, name string) bool {
	f := fs.Lookup(name)
	return f != nil && f.Value.String() == "true"
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func cmdList(c *cli, fs *flag.FlagSet, args []string) int {
	if code, ok := noArgs(c, args); !ok {
		return code
	}
	st, err := c.store(true)
	if err != nil {
		return c.fail(err)
	}
	entries, err := st.List()
	if err != nil {
		return c.fail(err)
	}
	if boolFlag(fs, "json") {
		if err := printJSON(c.stdout, entries); err != nil {
			return c.fail(err)
		}
		return exitOK
	}
	if len(entries) == 0 {
		fmt.Fprintln(c.stdout, "no posts published")
		return exitOK
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SLUG\tTOPIC\tUPDATED\tTITLE")
	for _, e := range entries {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", e.Slug, e.Topic, e.UpdatedAt.Format(time.RFC3339), e.Title)
	}
	tw.Flush()
	return exitOK
}

func cmdTopics(c *cli, fs *flag.FlagSet, args []string) int {
	if code, ok := noArgs(c, args); !ok {
		return code
	}
	var statuses []publisher.TopicStatus
	if s := fs.Lookup("status").Value.String(); s != "" {
		st, err := publisher.ParseTopicStatus(s)
		if err != nil {
			return c.usageError(err.Error())
		}
		statuses = append(statuses, st)
	}
	st, err := c.store(true)
	if err != nil {
		return c.fail(err)
	}
	topics, err := st.Topics(statuses...)
	if err != nil {
		return c.fail(err)
	}
	if boolFlag(fs, "json") {
		if err := printJSON(c.stdout, topics); err != nil {
			return c.fail(err)
		}
		return exitOK
	}
	if len(topics) == 0 {
		fmt.Fprintln(c.stdout, "no topics")
		return exitOK
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TOPIC\tSTATUS\tATTEMPTS\tUPDATED\tLAST ERROR")
	for _, t := range topics {
		lastErr := ""
		if t.LastErrorCode != "" {
			lastErr = string(t.LastErrorCode) + ": " + oneLine(t.LastError)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", t.Name, t.Status, t.Attempts, t.UpdatedAt.Format(time.RFC3339), lastErr)
	}
	tw.Flush()
	return exitOK
}

func cmdRebuild(c *cli, _ *flag.FlagSet, args []string) int {
	if code, ok := noArgs(c, args); !ok {
		return code
	}
	st, err := c.store(true)
	if err != nil {
		return c.fail(err)
	}
	rep, err := st.Rebuild(c.ctx)
	for _, q := range rep.Quarantined {
		fmt.Fprintln(c.stdout, q)
	}
	if err != nil {
		return c.fail(err)
	}
	if rep.Unchanged {
		fmt.Fprintf(c.stdout, "index already matches the %d post files\n", rep.Posts)
	} else {
		fmt.Fprintf(c.stdout, "rebuilt the index from %d post files\n", rep.Posts)
	}
	return exitOK
}

func cmdRecover(c *cli, _ *flag.FlagSet, args []string) int {
	if code, ok := noArgs(c, args); !ok {
		return code
	}
	st, err := c.store(true)
	if err != nil {
		return c.fail(err)
	}
	rep, err := st.Recover(c.ctx)
	for _, q := range rep.Quarantined {
		fmt.Fprintln(c.stdout, q)
	}
	if err != nil {
		return c.fail(err)
	}
	fmt.Fprintf(c.stdout, "%s: %s (%d posts indexed)\n", rep.Action, rep.Reason, rep.Posts)
	return exitOK
}

func cmdVerify(c *cli, _ *flag.FlagSet, args []string) int {
	if code, ok := noArgs(c, args); !ok {
		return code
	}
	st, err := c.store(true)
	if err != nil {
		return c.fail(err)
	}
	rep, err := st.Verify(c.ctx)
	if err != nil {
		return c.fail(err)
	}
	for _, p := range rep.Problems {
		fmt.Fprintln(c.stdout, p)
	}
	if !rep.OK() {
		fmt.Fprintf(c.stderr, "publish: verify: %d problems (run 'publish repair' to fix them)\n", len(rep.Problems))
		return exitVerify
	}
	fmt.Fprintf(c.stdout, "ok: %d posts, all indexed and consistent\n", rep.Posts)
	return exitOK
}

func cmdRepair(c *cli, _ *flag.FlagSet, args []string) int {
	if code, ok := noArgs(c, args); !ok {
		return code
	}
	st, err := c.store(true)
	if err != nil {
		return c.fail(err)
	}
	rep, err := st.Repair(c.ctx)
	if rep != nil {
		for _, ch := range rep.Changes {
			fmt.Fprintln(c.stdout, ch)
		}
	}
	if err != nil {
		return c.fail(err)
	}
	if len(rep.Changes) == 0 {
		fmt.Fprintln(c.stdout, "nothing to repair")
	}
	if !rep.OK() {
		for _, p := range rep.Remaining {
			fmt.Fprintln(c.stdout, "remaining:", p)
		}
		fmt.Fprintf(c.stderr, "publish: repair: %d problems remain\n", len(rep.Remaining))
		return exitVerify
	}
	return exitOK
}

// metricsJSON is what metrics -json prints: the publish metrics at the top level, lock metrics
// under "locks".
type metricsJSON struct {
	publisher.Metrics
	Locks publisher.LockMetrics `json:"locks"`
}

func cmdMetrics(c *cli, fs *flag.FlagSet, args []string) int {
	if code, ok := noArgs(c, args); !ok {
		return code
	}
	st, err := c.store(true)
	if err != nil {
		return c.fail(err)
	}
	m, err := st.Metrics()
	if err != nil {
		return c.fail(err)
	}
	lm, err := st.LockMetrics()
	if err != nil {
		return c.fail(err)
	}
	if boolFlag(fs, "json") {
		if err := printJSON(c.stdout, metricsJSON{m, lm}); err != nil {
			return c.fail(err)
		}
		return exitOK
	}
	printMetrics(c.stdout, m, lm)
	return exitOK
}

func printMetrics(w io.Writer, m publisher.Metrics, lm publisher.LockMetrics) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "publish attempts\t%d\n", m.Attempts)
	fmt.Fprintf(tw, "publish successes\t%d\n", m.Successes)
	fmt.Fprintf(tw, "publish failures\t%d\n", m.FailureCount())
	for _, code := range slices.Sorted(maps.Keys(m.Failures)) {
		fmt.Fprintf(tw, "  %s\t%d\n", code, m.Failures[code])
	}
	fmt.Fprintf(tw, "publish duration\t%s\n", summary(m.Duration))
	fmt.Fprintf(tw, "lock acquisitions\t%d\n", lm.Acquisitions)
	fmt.Fprintf(tw, "lock contended\t%d\n", lm.Contended)
	fmt.Fprintf(tw, "lock timeouts\t%d\n", lm.Timeouts)
	fmt.Fprintf(tw, "lock wait\t%s\n", summary(lm.Wait))
	fmt.Fprintf(tw, "lock hold\t%s\n", summary(lm.Hold))
	tw.Flush()
}

func summary(s publisher.Summary) string {
	if s.Count == 0 {
		return "-"
	}
	return fmt.Sprintf("n=%d mean=%.2fms min=%.2fms max=%.2fms", s.Count, s.Mean(), s.MinMs, s.MaxMs)
}

func cmdCleanTemps(c *cli, fs *flag.FlagSet, args []string) int {
	if code, ok := noArgs(c, args); !ok {
		return code
	}
	olderThan := fs.Lookup("older-than").Value.(flag.Getter).Get().(time.Duration)
	if olderThan < 0 {
		return c.usageError("-older-than must not be negative")
	}
	st, err := c.store(true)
	if err != nil {
		return c.fail(err)
	}
	removed, err := st.CleanTemps(c.ctx, olderThan)
	for _, rel := range removed {
		fmt.Fprintf(c.stdout, "removed %s\n", rel)
	}
	if err != nil {
		return c.fail(err)
	}
	if len(removed) == 0 {
		fmt.Fprintln(c.stdout, "no temp files")
	}
	return exitOK
}
