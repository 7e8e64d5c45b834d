package publisher

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/atomicjson/atomicjson/atomicfs"
)

// TopicStatus is the publishing state of a topic.
type TopicStatus string

// The topic states.
const (
	TopicQueued    TopicStatus = "queued"    // registered, nothing published yet
	TopicPublished TopicStatus = "published" // the last publish in this topic succeeded
	TopicFailed    TopicStatus = "failed"    // the last publish in this topic failed
)

// ParseTopicStatus converts a status name to a TopicStatus.
func ParseTopicStatus(s string) (TopicStatus, error) {
	switch st := TopicStatus(s); st {
	case TopicQueued, TopicPublished, TopicFailed:
		return st, nil
	}
	return "", fmt.Errorf("unknown topic status %q (want queued, published or failed)", s)
}

// Topic is one record of the topic index.
type Topic struct {
	Name            string      `json:"name"`
	Status          TopicStatus `json:"status"`
	Attempts        uint64      `json:"attempts"`
	LastErrorCode   Code        `json:"lastErrorCode,omitempty"`
	LastError       string      `json:"lastError,omitempty"`
	CreatedAt       time.Time   `json:"createdAt"`
	UpdatedAt       time.Time   `json:"updatedAt"`
	LastPublishedAt time.Time   `json:"lastPublishedAt,omitzero"`
}

const topicIndexVersion = 1

// topicIndex is the content of TopicIndexFile.
type topicIndex struct {
	Version int               `json:"version"`
	Topics  map[string]*Topic `json:"topics"`
}

func newTopicIndex() topicIndex {
	return topicIndex{Version: topicIndexVersion, Topics: map[string]*Topic{}}
}

// UnmarshalJSON decodes and checks a topic index, so that atomicfs.UpdateJSON never hands a
// damaged one to a publish.
func (ti *topicIndex) UnmarshalJSON(data []byte) error {
	type plain topicIndex // without this method
	var v plain
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	if v.Version != topicIndexVersion || v.Topics == nil {
		return fmt.Errorf("not a topic index (version %d)", v.Version)
	}
	for name, t := range v.Topics {
		if t == nil || t.Name != name {
			return fmt.Errorf("record %q is missing or misnamed", name)
		}
		if _, err := ParseTopicStatus(string(t.Status)); err != nil {
			return fmt.Errorf("record %q: %v", name, err)
		}
	}
	*ti = topicIndex(v)
	return nil
}

// decodeTopics parses the bytes of a topic index file; nil data (no file yet) is an empty one.
func decodeTopics(data []byte) (topicIndex, error) {
	if data == nil {
		return newTopicIndex(), nil
	}
	var ti topicIndex
	if err := json.Unmarshal(data, &ti); err != nil {
		return topicIndex{}, fmt.Errorf("%s: %w", TopicIndexFile, err)
	}
	return ti, nil
}

// get returns the record for name, creating a queued one if there is none.
func (ti *topicIndex) get(name string, now time.Time) *Topic {
	t := ti.Topics[name]
	if t == nil {
		t = &Topic{Name: name, Status: TopicQueued, CreatedAt: now, UpdatedAt: now}
		ti.Topics[name] = t
	}
	return t
}

// mark records one publish attempt in the topic name: a success if code is "", else a failure.
func (ti *topicIndex) mark(name string, now time.Time, code Code, msg string) Topic {
	t := ti.get(name, now)
	t.Attempts++
	t.UpdatedAt = now
	if code == "" {
		t.Status, t.LastErrorCode, t.LastError = TopicPublished, "", ""
		t.LastPublishedAt = now
	} else {
		t.Status, t.LastErrorCode, t.LastError = TopicFailed, code, msg
	}
	return *t
}

// updateTopics applies fn to the topic index under its lock. fn may return atomicfs.SkipWrite.
func (s *Store) updateTopics(ctx context.Context, rec *lockRecorder, op string, fn func(ti *topicIndex, now time.Time) error) error {
	err := updateJSON(s, ctx, rec, TopicIndexFile, func(ti *topicIndex) error {
		if ti.Topics == nil { // no file yet
			*ti = newTopicIndex()
		}
		return fn(ti, s.timestamp())
	})
	return wrapTopicErr(op, err)
}

func wrapTopicErr(op string, err error) error {
	if err == nil {
		return nil
	}
	code := classify(err)
	if code == CodeIO {
		code = CodeTopicIndex
	}
	return &Error{Op: op, Code: code, Err: err}
}

func checkTopic(name string) error { return checkText("topic", name, MaxTopicLen) }

// UpsertTopic registers a topic as queued if the index does not have it yet, and returns its
// record either way.
func (s *Store) UpsertTopic(ctx context.Context, name string) (Topic, error) {
	if err := checkTopic(name); err != nil {
		return Topic{}, err
	}
	rec := &lockRecorder{}
	var out Topic
	err := s.updateTopics(ctx, rec, "upsert topic", func(ti *topicIndex, now time.Time) error {
		if t := ti.Topics[name]; t != nil {
			out = *t
			return atomicfs.SkipWrite
		}
		out = *ti.get(name, now)
		return nil
	})
	return out, s.recordLocksAfter(ctx, rec, err)
}

// MarkTopicPublished records a successful publish in the topic.
func (s *Store) MarkTopicPublished(ctx context.Context, name string) (Topic, error) {
	return s.markTopic(ctx, name, "", "")
}

// MarkTopicFailed records a failed publish in the topic, with its code and message.
func (s *Store) MarkTopicFailed(ctx context.Context, name string, code Code, msg string) (Topic, error) {
	if code == "" {
		code = CodeIO
	}
	return s.markTopic(ctx, name, code, msg)
}

func (s *Store) markTopic(ctx context.Context, name string, code Code, msg string) (Topic, error) {
	if err := checkTopic(name); err != nil {
		return Topic{}, err
	}
	rec := &lockRecorder{}
	var out Topic
	err := s.updateTopics(ctx, rec, "mark topic", func(ti *topicIndex, now time.Time) error {
		out = ti.mark(name, now, code, msg)
		return nil
	})
	return out, s.recordLocksAfter(ctx, rec, err)
}

// Topics lists the topic records with any of the given statuses (all records if none is given),
// sorted by name.
func (s *Store) Topics(statuses ...TopicStatus) ([]Topic, error) {
	data, err := s.readFile(TopicIndexFile)
	if err != nil {
		return nil, wrapTopicErr("topics", err)
	}
	ti, err := decodeTopics(data)
	if err != nil {
		return nil, wrapTopicErr("topics", err)
	}
	out := []Topic{}
	for _, t := range ti.Topics {
		if len(statuses) == 0 || slices.Contains(statuses, t.Status) {
			out = append(out, *t)
		}
	}
	slices.SortFunc(out, func(a, b Topic) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}
