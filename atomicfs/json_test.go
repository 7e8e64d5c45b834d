package atomicfs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteJSON(t *testing.T) {
	v := map[string]any{"name": "a<b", "list": []int{1, 2}}
	cases := []struct {
		name string
		opts []Option
		want string
	}{
		{"compact", nil, `{"list":[1,2],"name":"a\u003cb"}` + "\n"},
		{"indented", []Option{WithIndent("", "  ")}, "{\n  \"list\": [\n    1,\n    2\n  ],\n  \"name\": \"a\\u003cb\"\n}\n"},
		{"prefix", []Option{WithIndent(" ", "\t")}, "{\n \t\"list\": [\n \t\t1,\n \t\t2\n \t],\n \t\"name\": \"a\\u003cb\"\n }\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			target := filepath.Join(t.TempDir(), "v.json")
			if err := WriteJSON(target, v, 0o644, c.opts...); err != nil {
				t.Fatal(err)
			}
			wantContent(t, target, []byte(c.want))
			// The same bytes as the standard library's encoding, plus the newline.
			std, _ := json.Marshal(v)
			if c.opts == nil && string(std)+"\n" != c.want {
				t.Errorf("differs from json.Marshal: %s", std)
			}
		})
	}
}

type badJSON struct{}

func (badJSON) MarshalJSON() ([]byte, error) { return []byte(`{"unterminated":`), nil }

// TestWriteJSONUnmarshallable: a value json cannot encode (or a MarshalJSON method producing
// invalid JSON) is an error naming the file, and nothing is written.
func TestWriteJSONUnmarshallable(t *testing.T) {
	for name, v := range map[string]any{
		"channel":             make(chan int),
		"NaN":                 map[string]float64{"x": nanValue()},
		"invalid MarshalJSON": badJSON{},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			target := filepath.Join(dir, "v.json")
			writeRaw(t, target, []byte(`{"old":true}`), 0o644)
			err := WriteJSON(target, v, 0o644)
			wantStepError(t, err, "marshal", target)
			var ute *json.UnsupportedTypeError
			var uve *json.UnsupportedValueError
			var me *json.MarshalerError
			if !errors.As(err, &ute) && !errors.As(err, &uve) && !errors.As(err, &me) {
				t.Errorf("json's error is not reachable from %v", err)
			}
			wantContent(t, target, []byte(`{"old":true}`))
			wantNoTemps(t, dir)
		})
	}
}

func nanValue() float64 {
	zero := 0.0
	return zero / zero
}

func TestCreateCommit(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "stream.json")
	writeRaw(t, target, []byte("old"), 0o644)
	f, err := Create(target, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Name() != target {
		t.Errorf("Name() = %q, want %q", f.Name(), target)
	}
	enc := json.NewEncoder(f)
	for i := range 3 {
		if err := enc.Encode(map[string]int{"i": i}); err != nil {
			t.Fatal(err)
		}
	}
	wantContent(t, target, []byte("old")) // nothing visible before Commit
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	wantContent(t, target, []byte("{\"i\":0}\n{\"i\":1}\n{\"i\":2}\n"))
	if err := f.Close(); err != nil {
		t.Errorf("Close after Commit: %v", err)
	}
	if _, err := f.Write([]byte("late")); !errors.Is(err, fs.ErrClosed) {
		t.Errorf("Write after Commit: %v, want fs.ErrClosed", err)
	}
	if err := f.Commit(); !errors.Is(err, fs.ErrClosed) {
		t.Errorf("second Commit: %v, want fs.ErrClosed", err)
	}
	wantContent(t, target, []byte("{\"i\":0}\n{\"i\":1}\n{\"i\":2}\n"))
	wantNoTemps(t, dir)
}

func TestCreateCloseDiscards(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "x")
	f, err := Create(target, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("never seen")
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(target); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("target created by a discarded file: %v", err)
	}
	wantNoTemps(t, dir)
	if err := f.Commit(); err == nil {
		t.Error("Commit after Close succeeded")
	}
}

// TestCreateWriteErrorIsSticky: after a failed Write, Commit fails too and writes nothing, even if
// later writes would have succeeded.
func TestCreateWriteErrorIsSticky(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "x")
	writeRaw(t, target, []byte("old"), 0o644)
	f, err := Create(target, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	failNext := true
	withOps(t, func(o *fileOps) {
		o.write = func(file *os.File, p []byte) (int, error) {
			if failNext {
				failNext = false
				return 0, &fs.PathError{Op: "write", Path: file.Name(), Err: errors.New("injected")}
			}
			return file.Write(p)
		}
	})
	// A write of at least the buffer's size goes straight to the temp file.
	if _, err := f.Write(make([]byte, fileBufSize)); err == nil {
		t.Fatal("injected write error not returned")
	}
	if _, err := f.Write([]byte("b")); err == nil {
		t.Error("Write after a failed Write succeeded")
	}
	err = f.Commit()
	wantStepError(t, err, "write", target)
	wantContent(t, target, []byte("old"))
	wantNoTemps(t, dir)
}

// TestCreateBufferedWriteErrorFailsCommit: a small Write is buffered, so a failure to write it
// surfaces at Commit, which then writes nothing.
func TestCreateBufferedWriteErrorFailsCommit(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "x.json")
	writeRaw(t, target, []byte("old"), 0o644)
	f, err := Create(target, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	writes := 0
	withOps(t, func(o *fileOps) {
		o.write = func(file *os.File, p []byte) (int, error) {
			writes++
			return 0, &fs.PathError{Op: "write", Path: file.Name(), Err: errors.New("injected")}
		}
	})
	for range 3 {
		if _, err := f.WriteString(`{"a":1}`); err != nil {
			t.Fatalf("buffered Write failed: %v", err)
		}
	}
	if writes != 0 {
		t.Fatalf("%d write(2) calls for 21 buffered bytes, want 0", writes)
	}
	wantStepError(t, f.Commit(), "write", target)
	wantContent(t, target, []byte("old"))
	wantNoTemps(t, dir)
}

// TestCreateBuffersSmallWrites: many small writes reach the file in few system calls and intact.
func TestCreateBuffersSmallWrites(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "x.json")
	var calls int
	withOps(t, func(o *fileOps) {
		o.write = func(file *os.File, p []byte) (int, error) { calls++; return file.Write(p) }
	})
	f, err := Create(target, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var want []byte
	for i := range 20000 {
		line := fmt.Sprintf("{\"n\":%d}\n", i)
		want = append(want, line...)
		if _, err := f.WriteString(line); err != nil {
			t.Fatal(err)
		}
	}
	big := bytes.Repeat([]byte("x"), 3*fileBufSize) // larger than the buffer: written directly
	want = append(want, big...)
	if _, err := f.Write(big); err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	wantContent(t, target, want)
	if max := len(want)/fileBufSize + 2; calls > max {
		t.Errorf("%d write(2) calls for %d bytes, want at most %d", calls, len(want), max)
	}
}
