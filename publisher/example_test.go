package publisher_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/atomicjson/atomicjson/publisher"
)

func Example() {
	root, err := os.MkdirTemp("", "content-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(root)

	st, err := publisher.Open(root)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	p := publisher.Post{Slug: "hello-world", Title: "Hello", Topic: "news", Body: "First post."}
	for range 2 {
		res, err := st.Publish(ctx, p)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(res.Status, res.Path)
	}
	p.Body = "First post, revised."
	res, err := st.Publish(ctx, p)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Status, res.Entry.PublishedAt.Before(res.Entry.UpdatedAt))

	rep, err := st.Verify(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("consistent:", rep.OK(), "posts:", rep.Posts)
	// Output:
	// created blog/hello-world.json
	// unchanged blog/hello-world.json
	// updated true
	// consistent: true posts: 1
}

func ExampleParsePost() {
	_, err := publisher.ParsePost([]byte(`{"slug":"../../etc/passwd","title":"x","topic":"x","body":"x"}`))
	var ve *publisher.ValidationError
	if errors.As(err, &ve) {
		fmt.Println("field:", ve.Field)
	}
	fmt.Println(publisher.CodeOf(err))
	// Output:
	// field: slug
	// invalid_post
}

func ExampleStore_Repair() {
	root, err := os.MkdirTemp("", "content-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(root)
	st, _ := publisher.Open(root)
	ctx := context.Background()
	if _, err := st.Publish(ctx, publisher.Post{Slug: "a", Title: "A", Topic: "t", Body: "a"}); err != nil {
		log.Fatal(err)
	}
	// Lose the index, as if the disk had been wiped of it.
	if err := os.Remove(filepath.Join(root, publisher.IndexFile)); err != nil {
		log.Fatal(err)
	}
	rep, err := st.Repair(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range rep.Changes {
		fmt.Println(c.Action, c.Path)
	}
	fmt.Println("consistent:", rep.OK())
	// Output:
	// rebuilt _system/contentIndex.json
	// consistent: true
}
