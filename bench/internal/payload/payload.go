// Package payload makes the deterministic JSON documents the benchmarks
// write, so that every contender writes the same bytes.
package payload

import (
	"bytes"
	"fmt"
	"strconv"
)

// Record is one element of a benchmark document: a little of every JSON
// kind, roughly the shape of a content index entry.
type Record struct {
	ID    int      `json:"id"`
	Slug  string   `json:"slug"`
	Title string   `json:"title"`
	Tags  []string `json:"tags"`
	Score float64  `json:"score"`
	Draft bool     `json:"draft"`
}

// NewRecord returns the i-th record of a document.
func NewRecord(i int) Record {
	return Record{
		ID:    i,
		Slug:  "post-" + strconv.Itoa(i),
		Title: fmt.Sprintf("Post number %d, about atomic writes", i),
		Tags:  []string{"go", "json", "tag-" + strconv.Itoa(i%17)},
		Score: float64(i%1000) / 7,
		Draft: i%5 == 0,
	}
}

// JSON returns a valid JSON document of exactly size bytes: an array of
// records, padded with trailing whitespace to the exact size. size must be
// at least 2.
func JSON(size int) []byte {
	if size < 2 {
		panic("payload: size must be at least 2")
	}
	var b bytes.Buffer
	b.Grow(size)
	b.WriteByte('[')
	for i := 0; ; i++ {
		rec := recordText(i)
		sep := 0
		if i > 0 {
			sep = 1
		}
		if b.Len()+sep+len(rec)+1 > size {
			break
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(rec)
	}
	b.WriteByte(']')
	for b.Len() < size {
		b.WriteByte(' ')
	}
	return b.Bytes()
}

// recordText is the compact JSON of NewRecord(i), built by hand so that
// making a 16 MiB payload stays cheap.
func recordText(i int) []byte {
	r := NewRecord(i)
	var b []byte
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, int64(r.ID), 10)
	b = append(b, `,"slug":`...)
	b = strconv.AppendQuote(b, r.Slug)
	b = append(b, `,"title":`...)
	b = strconv.AppendQuote(b, r.Title)
	b = append(b, `,"tags":[`...)
	for j, t := range r.Tags {
		if j > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, t)
	}
	b = append(b, `],"score":`...)
	b = strconv.AppendFloat(b, r.Score, 'g', -1, 64)
	b = append(b, `,"draft":`...)
	b = strconv.AppendBool(b, r.Draft)
	return append(b, '}')
}
