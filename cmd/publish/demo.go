package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/atomicjson/atomicjson/publisher"
)

// demoPosts are the sample posts the demo publishes.
var demoPosts = []publisher.Post{
	{Slug: "hello-world", Title: "Hello, world", Topic: "announcements", Tags: []string{"intro"},
		Body: "The first post of a blog whose every file is JSON, written atomically."},
	{Slug: "why-rename-is-atomic", Title: "Why rename is atomic", Topic: "durability", Tags: []string{"posix", "fsync"},
		Body: "Write a temp file, fsync it, rename it over the target, fsync the directory."},
	{Slug: "kill-dash-nine", Title: "Surviving kill -9", Topic: "durability", Tags: []string{"crash"},
		Body: "A reader sees the old file or the new one, never half of either."},
}

func cmdDemo(c *cli, _ *flag.FlagSet, args []string) int {
	if code, ok := noArgs(c, args); !ok {
		return code
	}
	if !c.rootSet {
		dir, err := os.MkdirTemp("", "publish-demo-")
		if err != nil {
			return c.fail(err)
		}
		c.root = dir
	} else if err := checkFresh(c.root); err != nil {
		return c.fail(err)
	}
	st, err := publisher.Open(c.root)
	if err != nil {
		return c.fail(err)
	}
	if err := c.demo(st); err != nil {
		return c.fail(err)
	}
	return exitOK
}

// checkFresh accepts a directory that does not exist or is empty: the demo never mixes its sample
// posts into real content.
func checkFresh(dir string) error {
	f, err := os.Open(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.Readdirnames(1); err != io.EOF {
		return fmt.Errorf("demo needs a fresh content root, but %s is not empty", dir)
	}
	return nil
}

func (c *cli) demo(st *publisher.Store) error {
	w := c.stdout
	step := func(format string, args ...any) { fmt.Fprintf(w, "\n== "+format+"\n", args...) }
	publish := func(p publisher.Post) error {
		res, err := st.Publish(c.ctx, p)
		if err == nil {
			fmt.Fprintf(w, "%-9s %s (%s, sha256 %.12s…)\n", res.Status, p.Slug, res.Path, res.Entry.SHA256)
		}
		return err
	}
	fmt.Fprintf(w, "content root: %s\n", st.Root())

	step("publish %d posts: post file, then index (with backup) under the lock, topic, metrics", len(demoPosts))
	for _, p := range demoPosts {
		if err := publish(p); err != nil {
			return err
		}
	}

	step("publish hello-world again with the same content: idempotent")
	if err := publish(demoPosts[0]); err != nil {
		return err
	}

	step("update hello-world: publishedAt is kept, updatedAt moves")
	updated := demoPosts[0]
	updated.Body += " Now with an update."
	if err := publish(updated); err != nil {
		return err
	}

	step("an invalid post is rejected with the field named, and nothing is written")
	bad := publisher.Post{Slug: "../etc/passwd", Title: "x", Topic: "x", Body: "x"}
	if _, err := st.Publish(c.ctx, bad); err != nil {
		fmt.Fprintf(w, "rejected: %v\n", err)
	}

	step("lose the content index (as a bad disk or a stray rm would); verify, repair")
	if err := os.Remove(filepath.Join(st.Root(), filepath.FromSlash(publisher.IndexFile))); err != nil {
		return err
	}
	fmt.Fprintf(w, "removed %s\n", publisher.IndexFile)
	rep, err := st.Verify(c.ctx)
	if err != nil {
		return err
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(w, "verify: %s\n", p)
	}
	rr, err := st.Repair(c.ctx)
	if err != nil {
		return err
	}
	for _, ch := range rr.Changes {
		fmt.Fprintf(w, "repair: %s\n", ch)
	}
	if rep, err = st.Verify(c.ctx); err != nil {
		return err
	}
	fmt.Fprintf(w, "verify: ok=%t, %d posts indexed\n", rep.OK(), rep.Indexed)

	step("unpublish kill-dash-nine")
	if err := st.Unpublish(c.ctx, "kill-dash-nine"); err != nil {
		return err
	}
	fmt.Fprintln(w, "unpublished kill-dash-nine")

	step("list")
	if code := cmdList(c, flag.NewFlagSet("list", flag.ContinueOnError), nil); code != exitOK {
		return errors.New("list failed")
	}
	step("topics")
	fs := flag.NewFlagSet("topics", flag.ContinueOnError)
	topicsFlags(fs)
	if code := cmdTopics(c, fs, nil); code != exitOK {
		return errors.New("topics failed")
	}
	step("metrics")
	m, err := st.Metrics()
	if err != nil {
		return err
	}
	lm, err := st.LockMetrics()
	if err != nil {
		return err
	}
	printMetrics(w, m, lm)

	fmt.Fprintf(w, "\nexplore: publish -root %s verify | list | topics | metrics -json\n", st.Root())
	return nil
}
