package publisher

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	ok := Post{Slug: "hello-world-2", Title: "Hello, wörld ✓", Topic: "go", Tags: []string{"a", "b"}, Body: "body"}
	with := func(f func(*Post)) Post { p := ok; p.Tags = append([]string(nil), ok.Tags...); f(&p); return p }
	tests := []struct {
		name  string
		post  Post
		field string // "" means valid
	}{
		{"valid", ok, ""},
		{"valid no tags", with(func(p *Post) { p.Tags = nil }), ""},
		{"single char slug", with(func(p *Post) { p.Slug = "a" }), ""},
		{"slug of exactly 100", with(func(p *Post) { p.Slug = strings.Repeat("a", 100) }), ""},
		{"empty slug", with(func(p *Post) { p.Slug = "" }), "slug"},
		{"over-long slug", with(func(p *Post) { p.Slug = strings.Repeat("a", 101) }), "slug"},
		{"parent traversal", with(func(p *Post) { p.Slug = "../etc/passwd" }), "slug"},
		{"dot dot", with(func(p *Post) { p.Slug = ".." }), "slug"},
		{"embedded traversal", with(func(p *Post) { p.Slug = "a/../../b" }), "slug"},
		{"absolute path", with(func(p *Post) { p.Slug = "/etc/passwd" }), "slug"},
		{"windows absolute path", with(func(p *Post) { p.Slug = `C:\Windows` }), "slug"},
		{"backslash", with(func(p *Post) { p.Slug = `a\b` }), "slug"},
		{"hidden file", with(func(p *Post) { p.Slug = ".hidden" }), "slug"},
		{"unicode slug", with(func(p *Post) { p.Slug = "héllo" }), "slug"},
		{"unicode lookalike", with(func(p *Post) { p.Slug = "hello\u2010world" }), "slug"},
		{"upper case", with(func(p *Post) { p.Slug = "Hello" }), "slug"},
		{"leading hyphen", with(func(p *Post) { p.Slug = "-hello" }), "slug"},
		{"trailing hyphen", with(func(p *Post) { p.Slug = "hello-" }), "slug"},
		{"double hyphen", with(func(p *Post) { p.Slug = "hello--world" }), "slug"},
		{"space", with(func(p *Post) { p.Slug = "hello world" }), "slug"},
		{"nul byte", with(func(p *Post) { p.Slug = "a\x00b" }), "slug"},
		{"json extension", with(func(p *Post) { p.Slug = "a.json" }), "slug"},
		{"missing title", with(func(p *Post) { p.Title = "" }), "title"},
		{"blank title", with(func(p *Post) { p.Title = "  \t" }), "title"},
		{"title newline", with(func(p *Post) { p.Title = "a\nb" }), "title"},
		{"title too long", with(func(p *Post) { p.Title = strings.Repeat("é", MaxTitleLen+1) }), "title"},
		{"title invalid utf8", with(func(p *Post) { p.Title = "a\xffb" }), "title"},
		{"missing topic", with(func(p *Post) { p.Topic = "" }), "topic"},
		{"missing body", with(func(p *Post) { p.Body = "" }), "body"},
		{"body invalid utf8", with(func(p *Post) { p.Body = "\xc3\x28" }), "body"},
		{"empty tag", with(func(p *Post) { p.Tags = []string{"a", ""} }), "tags[1]"},
		{"duplicate tag", with(func(p *Post) { p.Tags = []string{"a", "a"} }), "tags[1]"},
		{"too many tags", with(func(p *Post) { p.Tags = make([]string, MaxTags+1) }), "tags"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.post.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate: %v, want nil", err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Validate: %v, want *ValidationError", err)
			}
			if ve.Field != tt.field {
				t.Errorf("Field = %q, want %q (%v)", ve.Field, tt.field, err)
			}
			if CodeOf(err) != CodeInvalidPost {
				t.Errorf("CodeOf = %q, want %q", CodeOf(err), CodeInvalidPost)
			}
			// An invalid post writes nothing at all: not even the root directory.
			st, _ := Open(t.TempDir() + "/root")
			if _, perr := st.Publish(context.Background(), tt.post); !errors.As(perr, &ve) {
				t.Fatalf("Publish: %v, want *ValidationError", perr)
			}
			if _, serr := os.Stat(st.Root()); !os.IsNotExist(serr) {
				t.Errorf("Publish of an invalid post created %s", st.Root())
			}
		})
	}
}

func TestParsePost(t *testing.T) {
	tests := []struct {
		name, input, field string
	}{
		{"valid", `{"slug":"a","title":"T","topic":"go","body":"b","tags":["x"]}`, ""},
		{"not JSON at all", `this is not json`, "post"},
		{"empty input", ``, "post"},
		{"truncated", `{"slug":"a","title":"T"`, "post"},
		{"array", `[{"slug":"a"}]`, "post"},
		{"string", `"hello"`, "post"},
		{"null", `null`, "post"},
		{"two objects", `{"slug":"a","title":"T","topic":"go","body":"b"} {}`, "post"},
		{"unknown field", `{"slug":"a","titel":"T","topic":"go","body":"b"}`, "titel"},
		{"wrong type", `{"slug":1,"title":"T","topic":"go","body":"b"}`, "slug"},
		{"traversal", `{"slug":"../x","title":"T","topic":"go","body":"b"}`, "slug"},
		{"missing body", `{"slug":"a","title":"T","topic":"go"}`, "body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePost([]byte(tt.input))
			if tt.field == "" {
				if err != nil || p.Slug != "a" || p.Tags[0] != "x" {
					t.Fatalf("ParsePost = %+v, %v", p, err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Field != tt.field {
				t.Fatalf("ParsePost error = %v, want a *ValidationError for field %q", err, tt.field)
			}
		})
	}
}
