package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atomicjson/atomicjson/publisher"
)

// TestPostRejectsWhatTheAPIRejects feeds the same inputs to the command and to the Go API
// (ParsePost and Store.PublishJSON): both accept or both reject, naming the same field, and a
// rejected post leaves nothing behind. encoding/json alone would store invalid UTF-8 as U+FFFD and
// let a later "SLUG" key override "slug".
func TestPostRejectsWhatTheAPIRejects(t *testing.T) {
	tests := []struct {
		name, input string
		field       string // "" when the post is valid
	}{
		{"valid", `{"slug":"a","title":"T","topic":"go","body":"b"}`, ""},
		{"invalid UTF-8 in the title", "{\"slug\":\"a\",\"title\":\"T\xff\",\"topic\":\"go\",\"body\":\"b\"}", "title"},
		{"invalid UTF-8 in the body", "{\"slug\":\"a\",\"title\":\"T\",\"topic\":\"go\",\"body\":\"b\xc3\x28\"}", "body"},
		{"invalid UTF-8 in a tag", "{\"slug\":\"a\",\"title\":\"T\",\"topic\":\"go\",\"tags\":[\"ok\",\"\xfe\"],\"body\":\"b\"}", "tags[1]"},
		{"invalid UTF-8 in a key", "{\"slug\":\"a\",\"title\":\"T\",\"topic\":\"go\",\"body\":\"b\",\"\xff\":1}", "\ufffd"},
		{"duplicate key", `{"slug":"a","title":"T","topic":"go","body":"b","slug":"b"}`, "slug"},
		{"duplicate key in another case", `{"slug":"a","title":"T","topic":"go","body":"b","SLUG":"b"}`, "SLUG"},
		{"key in another case only", `{"Slug":"a","title":"T","topic":"go","body":"b"}`, "Slug"},
		{"unknown field", `{"slug":"a","title":"T","topic":"go","body":"b","draft":true}`, "draft"},
		{"a publication time is not input", `{"slug":"a","title":"T","topic":"go","body":"b","publishedAt":"2026-01-01T00:00:00Z"}`, "publishedAt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, perr := publisher.ParsePost([]byte(tt.input))
			apiRoot := t.TempDir()
			st, err := publisher.Open(apiRoot)
			if err != nil {
				t.Fatal(err)
			}
			_, aerr := st.PublishJSON(context.Background(), []byte(tt.input))

			root := t.TempDir()
			in := writeInput(t, t.TempDir(), "post.json", tt.input)
			r := runCmd(t, "", "-root", root, "post", in)

			if tt.field == "" {
				if perr != nil || aerr != nil || r.code != exitOK {
					t.Fatalf("valid post: ParsePost %v, PublishJSON %v, command exit %d %s", perr, aerr, r.code, r.stderr)
				}
				return
			}
			for name, err := range map[string]error{"ParsePost": perr, "PublishJSON": aerr} {
				var ve *publisher.ValidationError
				if !errors.As(err, &ve) || ve.Field != tt.field {
					t.Errorf("%s: %v, want a *ValidationError for field %q", name, err, tt.field)
				}
			}
			if r.code != exitError {
				t.Errorf("command exit %d, want %d (stdout %q)", r.code, exitError, r.stdout)
			}
			r.oneErrorLine(t, "invalid post: "+tt.field+":")
			for _, dir := range []string{root, apiRoot} {
				if ents, _ := os.ReadDir(dir); len(ents) != 0 {
					t.Errorf("a rejected post left %d entries in %s", len(ents), dir)
				}
			}
		})
	}
}

// TestPostSizeLimitIsTheStoredFile publishes posts whose files land just under and just over the
// documented limit: an accepted post's file never exceeds DefaultMaxPostSize (it used to be stored
// at 1,048,596 bytes, because the limit was checked on an encoding without the times), and a
// rejected one names the limit.
func TestPostSizeLimitIsTheStoredFile(t *testing.T) {
	root := t.TempDir()
	const skeleton = `{"slug":"big-%d","title":"T","topic":"go","body":"%s"}`
	accepted, rejected := 0, 0
	// The file adds the JSON around the body and two times of 20 to 30 bytes each.
	for i, n := range []int{publisher.DefaultMaxPostSize - 200, publisher.DefaultMaxPostSize - 140, publisher.DefaultMaxPostSize - 100, publisher.DefaultMaxPostSize - 60} {
		in := writeInput(t, t.TempDir(), "post.json", fmt.Sprintf(skeleton, i, strings.Repeat("x", n)))
		r := runCmd(t, "", "-root", root, "post", in)
		switch r.code {
		case exitOK:
			accepted++
			fi, err := os.Stat(filepath.Join(root, "blog", fmt.Sprintf("big-%d.json", i)))
			if err != nil {
				t.Fatal(err)
			}
			if fi.Size() > publisher.DefaultMaxPostSize {
				t.Errorf("body of %d bytes stored as %d bytes, over the limit of %d", n, fi.Size(), publisher.DefaultMaxPostSize)
			}
		case exitError:
			rejected++
			r.oneErrorLine(t, fmt.Sprintf("over the limit of %d", publisher.DefaultMaxPostSize))
		default:
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
	}
	if accepted == 0 || rejected == 0 {
		t.Errorf("%d accepted, %d rejected: the sizes do not straddle the limit", accepted, rejected)
	}
	if r := runCmd(t, "", "-root", root, "verify"); r.code != exitOK {
		t.Errorf("verify after the size tests: %d %s %s", r.code, r.stdout, r.stderr)
	}
}
