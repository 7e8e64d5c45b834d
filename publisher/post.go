package publisher

import (
	"fmt"
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
	// DefaultMaxPostSize bounds the size in bytes of a stored post file (the post, its
	// publication times and the JSON around them, exactly as written); WithMaxPostSize changes it.
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

// ParsePost decodes one post from JSON and validates it, accepting and rejecting exactly what
// Store.PublishJSON does (short of the size limit, which is a Store's: see WithMaxPostSize). The
// input must be exactly one JSON object whose keys are the fields' exact names, each given once,
// with every string valid UTF-8; anything else is a *ValidationError naming the field, so a typo
// such as "titel" or a second "SLUG" is caught rather than published.
func ParsePost(data []byte) (Post, error) {
	p, err := decodePost(data)
	if err != nil {
		return Post{}, err
	}
	return p, p.Validate()
}

// decodePost is ParsePost without the validation, for callers that validate next anyway.
func decodePost(data []byte) (Post, error) {
	var p Post
	if err := decodeStrict(data, &p); err != nil {
		return Post{}, err
	}
	return p, nil
}

// Validate checks every field of p. It returns a *ValidationError naming the first offending
// field, or nil. The size limit is not checked here: it bounds the stored file, which only
// Publish encodes (see WithMaxPostSize).
func (p Post) Validate() error {
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

// encodePost renders a post file exactly as atomicfs.WriteJSON with jsonIndent would. A post is
// encoded once, by this function: the index records the SHA-256 of these bytes, so the bytes that
// are hashed, measured against the size limit and written must be one and the same.
func encodePost(sp StoredPost) ([]byte, error) { return encodeJSON(sp) }

// decodeStoredPost parses a post file named for slug. Any defect (bad JSON, a failed validation, a
// slug that differs from the file name, missing times) makes the file corrupt. The size limit is
// not applied: it guards what may be published, and a post published under a larger limit is
// still valid content that must never be quarantined.
func decodeStoredPost(data []byte, slug string) (StoredPost, error) {
	var sp StoredPost
	if err := decodeStrict(data, &sp); err != nil {
		return StoredPost{}, err
	}
	if err := sp.Post.Validate(); err != nil {
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
