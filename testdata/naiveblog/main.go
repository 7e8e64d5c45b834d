// Command naiveblog is a small content pipeline written the way JSON files
// are often written: every write in it can leave an empty, partial or mixed
// file behind after a crash, a kill -9, a power cut or a concurrent writer.
// It is the example the atomicjson README lints first; it is kept under
// testdata so that ./... (go build, go vet, go test, the linter over this
// repository) never includes it.
//
// Each mistake is explained where it is made. The "want" comments are the
// findings the linter must report; a test checks them with analysistest, so
// the example and the README cannot drift apart.
//
// Usage:
//
//	go run ./testdata/naiveblog -root DIR
//
// publishes a few sample posts into DIR, one goroutine per post.
package main

import (
	"flag"
	"fmt"
	"os"
	"sync"
	"time"
)

func main() {
	root := flag.String("root", "content", "directory the pipeline writes into")
	flag.Parse()
	if err := run(*root); err != nil {
		fmt.Fprintln(os.Stderr, "naiveblog:", err)
		os.Exit(1)
	}
}

// run publishes the sample posts concurrently, as a site generator or a
// web handler would: several writers update the same index files at once.
func run(root string) error {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return err
	}
	posts := []Post{
		{Slug: "hello-world", Title: "Hello, world", Topic: "news", Body: "First post."},
		{Slug: "atomic-writes", Title: "Atomic writes", Topic: "engineering", Body: "Temp file, fsync, rename, fsync the directory."},
		{Slug: "release-notes", Title: "Release notes", Topic: "news", Body: "What changed."},
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for _, p := range posts {
		wg.Go(func() {
			if err := publish(root, p); err != nil {
				mu.Lock()
				errs = append(errs, fmt.Errorf("%s: %w", p.Slug, err))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// publish writes one post and records it in the content index, the topic
// index and the metrics.
func publish(root string, p Post) error {
	start := time.Now()
	err := savePost(root, p)
	if err == nil {
		err = addToIndex(root, p)
	}
	if err == nil {
		err = markTopic(root, p.Topic)
	}
	if merr := recordMetrics(root, time.Since(start), err); err == nil {
		err = merr
	}
	return err
}
