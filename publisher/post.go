package publisher

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits enforced by validation.
const (
	MaxSlugLen  = 100
	MaxTitleLen = 200 // characters
	MaxTopicLen = 100 // characters
	MaxTags     = 20
	MaxTagLen   = 50 // characters
	// DefaultMaxPostSize bounds the encoded post file; WithMaxPostSize changes it.
	DefaultMaxPostSize = 1 << 20
)

// slugPattern is the whole slug grammar. It admits no '/', '.', '\\' or ':', so a slug can never
// escape the posts directory, name a hidden file or form an absolute path.
var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Post is what an author submits: the content of one blog post.
type Post struct {
	Slug  string   `json:"slug"`
	Title string   `json:"title"`
	Topic string   `json:"topic"`
	Tags  []string `json:"tags,omitempty"`
	Body  string   `json:"body"`
}

// StoredPost is the content of a post file: the post plus its publication times.
type StoredPost struct {
	Post
	PublishedAt time.Time `json:"publishedAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
}

// ParsePost decodes one post from JSON and validates it. Anything that is not exactly one JSON
// object with known fields is a *ValidationError, so a typo such as "titel" is caught rather than
// published without a title.
func ParsePost(data []byte) (Post, error) {
	var p Post
	if err := decodeStrict(data, &p); err != nil {
		return Post{}, err
	}
	return p, p.Validate()
}

// decodeStrict decodes exactly one JSON object with no unknown fields into v.
func decodeStrict(data []byte, v any) error {
	if !json.Valid(data) {
		return &ValidationError{Field: "post", Reason: "not valid JSON"}
	}
	if t := bytes.TrimSpace(data); len(t) == 0 || t[0] != '{' {
		return &ValidationError{Field: "post", Reason: "not a JSON object"}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return &ValidationError{Field: te.Field, Reason: "must be a JSON " + te.Type.String()}
		}
		if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			return &ValidationError{Field: strings.Trim(f, `"`), Reason: "unknown field"}
		}
		return &ValidationError{Field: "post", Reason: err.Error()}
	}
	if _, err := dec.Token(); err != io.EOF {
		return &ValidationError{Field: "post", Reason: "more than one JSON value"}
	}
	return nil
}

// Validate checks p against the limits with the default size limit. It returns a
// *ValidationError naming the first offending field, or nil.
func (p Post) Validate() error { return p.validate(DefaultMaxPostSize) }

func (p Post) validate(maxSize int) error {
	if err := ValidateSlug(p.Slug); err != nil {
		return err
	}
	if err := checkText("title", p.Title, MaxTitleLen); err != nil {
		return err
	}
	if err := checkText("topic", p.Topic, MaxTopicLen); err != nil {
		return err
	}
	if len(p.Tags) > MaxTags {
		return &ValidationError{Field: "tags", Reason: fmt.Sprintf("has %d tags, at most %d allowed", len(p.Tags), MaxTags)}
	}
	for i, tag := range p.Tags {
		if err := checkText(fmt.Sprintf("tags[%d]", i), tag, MaxTagLen); err != nil {
			return err
		}
		if slices.Contains(p.Tags[:i], tag) {
			return &ValidationError{Field: fmt.Sprintf("tags[%d]", i), Reason: fmt.Sprintf("duplicate tag %q", tag)}
		}
	}
	if strings.TrimSpace(p.Body) == "" {
		return &ValidationError{Field: "body", Reason: "is required"}
	}
	if !utf8.ValidString(p.Body) {
		return &ValidationError{Field: "body", Reason: "is not valid UTF-8"}
	}
	// Bound the stored file, not just the body: that is what the size limit protects.
	data, err := encodePost(StoredPost{Post: p})
	if err != nil {
		return &ValidationError{Field: "post", Reason: err.Error()}
	}
	if len(data) > maxSize {
		return &ValidationError{Field: "body", Reason: fmt.Sprintf("post is %d bytes encoded, over the limit of %d", len(data), maxSize)}
	}
	return nil
}

// ValidateSlug checks a slug on its own, as Unpublish needs. The slug grammar also rules out path
// traversal ("../x"), absolute paths and hidden files.
func ValidateSlug(slug string) error {
	switch {
	case slug == "":
		return &ValidationError{Field: "slug", Reason: "is required"}
	case len(slug) > MaxSlugLen:
		return &ValidationError{Field: "slug", Reason: fmt.Sprintf("is %d characters, at most %d allowed", len(slug), MaxSlugLen)}
	case !slugPattern.MatchString(slug):
		return &ValidationError{Field: "slug", Reason: fmt.Sprintf("%q must be lowercase ASCII letters and digits in words joined by single hyphens (%s)", slug, slugPattern)}
	}
	return nil
}

// checkText validates a required short single-line text field.
func checkText(field, s string, maxRunes int) error {
	switch {
	case strings.TrimSpace(s) == "":
		return &ValidationError{Field: field, Reason: "is required"}
	case !utf8.ValidString(s):
		return &ValidationError{Field: field, Reason: "is not valid UTF-8"}
	case utf8.RuneCountInString(s) > maxRunes:
		return &ValidationError{Field: field, Reason: fmt.Sprintf("is %d characters, at most %d allowed", utf8.RuneCountInString(s), maxRunes)}
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return &ValidationError{Field: field, Reason: "contains a control character"}
	}
	return nil
}

// sameContent reports whether p and q would publish the same post.
func (p Post) sameContent(q Post) bool {
	return p.Slug == q.Slug && p.Title == q.Title && p.Topic == q.Topic && p.Body == q.Body &&
		slices.Equal(p.Tags, q.Tags)
}

// normalized returns p with an empty tag list as nil, so that "tags": [] and no tags publish the
// same file.
func (p Post) normalized() Post {
	if len(p.Tags) == 0 {
		p.Tags = nil
	}
	return p
}

// encodePost renders a post file: indented, with a trailing newline.
func encodePost(sp StoredPost) ([]byte, error) {
	data, err := json.MarshalIndent(sp, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// decodeStoredPost parses a post file named for slug. Any defect (bad JSON, a failed validation, a
// slug that differs from the file name, missing times) makes the file corrupt. The size limit is
// not applied: it guards what may be published, and a post published under a larger limit is
// still valid content that must never be quarantined.
func decodeStoredPost(data []byte, slug string) (StoredPost, error) {
	var sp StoredPost
	if err := decodeStrict(data, &sp); err != nil {
		return StoredPost{}, err
	}
	if err := sp.Post.validate(math.MaxInt); err != nil {
		return StoredPost{}, err
	}
	if sp.Slug != slug {
		return StoredPost{}, &ValidationError{Field: "slug", Reason: fmt.Sprintf("%q does not match the file name %q", sp.Slug, PostPath(slug))}
	}
	if sp.PublishedAt.IsZero() || sp.UpdatedAt.IsZero() {
		return StoredPost{}, &ValidationError{Field: "publishedAt", Reason: "publishedAt and updatedAt are required in a post file"}
	}
	sp.Post = sp.Post.normalized()
	return sp, nil
}
