package atomicfs

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestWithIndentOnlyWhitespace: WithIndent with anything but JSON whitespace fails naming the
// option and the argument, before anything is written or fn is called; JSON whitespace works
// and gives valid JSON.
func TestWithIndentOnlyWhitespace(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "x.json")
	writeRaw(t, target, []byte(`{"n":1}`), 0o644)
	for _, bad := range []struct{ prefix, indent, want string }{
		{"// ", "  ", `prefix "// "`},
		{"", "x", `indent "x"`},
		{"", "\u00a0", `indent "\u00a0"`}, // no-break space: whitespace to Unicode, not to JSON
		{"\v", "", `prefix "\v"`},
	} {
		opt := WithIndent(bad.prefix, bad.indent)
		for call, do := range map[string]func() error{
			"WriteJSON": func() error { return WriteJSON(target, counter{N: 2}, 0o644, opt) },
			"UpdateJSON": func() error {
				return UpdateJSON(target, 0o644, func(c *counter) error { t.Error("fn called"); return nil }, opt)
			},
		} {
			err := do()
			wantStepError(t, err, "options for", target)
			if err == nil || !strings.Contains(err.Error(), "WithIndent: "+bad.want) {
				t.Errorf("%s with WithIndent(%q, %q): got %v, want an error naming WithIndent's %s", call, bad.prefix, bad.indent, err, bad.want)
			}
		}
	}
	wantContent(t, target, []byte(`{"n":1}`))
	wantNoTemps(t, dir)

	if err := WriteJSON(target, counter{N: 3, Labels: []string{"a"}}, 0o644, WithIndent("\t \r\n", "\t")); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(target)
	if !json.Valid(data) {
		t.Errorf("indented with JSON whitespace, the file is not JSON: %q", data)
	}
}

// TestOptionsThatDoNotApply: every option given to a call it does not apply to fails that call
// before it does anything — no file, no temp file, fn not called — with an error naming the
// option and the call; every option a call does accept is accepted.
func TestOptionsThatDoNotApply(t *testing.T) {
	dir := t.TempDir()
	options := map[optionSet]Option{
		optIndent:        WithIndent("", "  "),
		optMkdirAll:      WithMkdirAll(0o755),
		optWithoutVerify: WithoutVerify(),
		optDeviceVerify:  WithDeviceVerify(),
		optWithoutSync:   WithoutSync(),
		optLockTimeout:   WithLockTimeout(time.Second),
		optContext:       WithContext(context.Background()),
		optLockStats:     WithLockStats(func(LockStats) {}),
	}
	if len(options) != len(optionNames) {
		t.Fatalf("the test covers %d options, the package has %d", len(options), len(optionNames))
	}
	run := func(c call, target string, opt Option) error {
		switch c.name {
		case "WriteFile":
			return WriteFile(target, []byte("x"), 0o644, opt)
		case "WriteJSON":
			return WriteJSON(target, 1, 0o644, opt)
		case "Create":
			f, err := Create(target, 0o644, opt)
			if err != nil {
				return err
			}
			defer f.Close()
			return f.Commit()
		case "Update":
			return Update(target, 0o644, func(old []byte) ([]byte, error) { return []byte("x"), nil }, opt)
		case "UpdateJSON":
			return UpdateJSON(target, 0o644, func(c *counter) error { c.N++; return nil }, opt)
		case "View":
			return View(target, func([]byte) error { return nil }, opt)
		}
		t.Fatalf("no way to run %s", c.name)
		return nil
	}
	for _, c := range calls {
		for kind, opt := range options {
			name := kind.name()
			target := filepath.Join(dir, c.name+"-"+name+".json")
			err := run(c, target, opt)
			if c.accepts&kind != 0 {
				if kind == optDeviceVerify && runtime.GOOS != "linux" {
					continue // refused where unsupported, by its own rule
				}
				if err != nil {
					t.Errorf("%s(%s): %v", c.name, name, err)
				}
				continue
			}
			wantStepError(t, err, "options for", target)
			if want := name + " does not apply to " + c.name; err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s(%s): got %v, want an error saying %q", c.name, name, err, want)
			}
			if _, err := os.Lstat(target); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("%s(%s) wrote %s despite the error", c.name, name, target)
			}
		}
	}
	wantNoTemps(t, dir)
}
