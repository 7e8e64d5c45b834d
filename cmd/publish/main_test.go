package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atomicjson/atomicjson/atomicfs"
	"github.com/atomicjson/atomicjson/publisher"
)

// result is what one run of the command produced.
type result struct {
	code           int
	stdout, stderr string
}

func runCmd(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return result{code, out.String(), errOut.String()}
}

// oneErrorLine checks that an error is reported as exactly one line on standard error.
func (r result) oneErrorLine(t *testing.T, want string) {
	t.Helper()
	if strings.Count(r.stderr, "\n") != 1 || !strings.HasSuffix(r.stderr, "\n") || !strings.HasPrefix(r.stderr, "publish: ") {
		t.Errorf("stderr is not one error line: %q", r.stderr)
	}
	if !strings.Contains(r.stderr, want) {
		t.Errorf("stderr %q does not mention %q", r.stderr, want)
	}
}

// writeInput writes a post input file (through atomicfs, like everything in this tree).
func writeInput(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := atomicfs.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestHelp(t *testing.T) {
	r := runCmd(t, "", "-h")
	if r.code != exitOK || !strings.Contains(r.stdout, "usage: publish [-root DIR] <command>") || r.stderr != "" {
		t.Fatalf("publish -h: %+v", r)
	}
	for _, cmd := range commands {
		if !strings.Contains(r.stdout, "  "+cmd.name+" ") {
			t.Errorf("publish -h does not list %s", cmd.name)
		}
		t.Run(cmd.name, func(t *testing.T) {
			r := runCmd(t, "", "-root", t.TempDir(), cmd.name, "-h")
			if r.code != exitOK || r.stderr != "" {
				t.Fatalf("%s -h: code %d, stderr %q", cmd.name, r.code, r.stderr)
			}
			if !strings.HasPrefix(r.stdout, "usage: publish [-root DIR] "+cmd.name) || !strings.Contains(r.stdout, "Exit status: 0 success, 1") {
				t.Errorf("%s -h printed:\n%s", cmd.name, r.stdout)
			}
		})
	}
	if r := runCmd(t, "", "help"); r.code != exitOK || !strings.Contains(r.stdout, "Commands:") {
		t.Errorf("publish help: %+v", r)
	}
}

func TestUsageErrors(t *testing.T) {
	root := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "no command given"},
		{"unknown command", []string{"publsh"}, `unknown command "publsh"`},
		{"unknown global flag", []string{"-rot", "x", "list"}, "-rot"},
		{"root after the command", []string{"list", "-root", root}, "-root"},
		{"post without files", []string{"-root", root, "post"}, "no post files given"},
		{"unpublish without slug", []string{"-root", root, "unpublish"}, "no slug given"},
		{"unexpected argument", []string{"-root", root, "list", "extra"}, `unexpected argument "extra"`},
		{"bad status", []string{"-root", root, "topics", "-status", "done"}, `unknown topic status "done"`},
		{"negative age", []string{"-root", root, "clean-temps", "-older-than", "-1s"}, "must not be negative"},
		{"bad duration", []string{"-root", root, "clean-temps", "-older-than", "soon"}, "older-than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCmd(t, "", tt.args...)
			if r.code != exitUsage {
				t.Errorf("exit code %d, want %d", r.code, exitUsage)
			}
			r.oneErrorLine(t, tt.want)
			if !strings.Contains(r.stderr, "-h')") {
				t.Errorf("usage error does not point to -h: %q", r.stderr)
			}
		})
	}
}

func TestPublishVerifyRepairCycle(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "content")
	good := writeInput(t, dir, "good.json", `{"slug":"hello","title":"Hello","topic":"go","tags":["intro"],"body":"Hi."}`)
	other := writeInput(t, dir, "other.json", `{"slug":"other","title":"Other","topic":"rust","body":"Text."}`)
	bad := writeInput(t, dir, "bad.json", `{"slug":"../../etc/passwd","title":"x","topic":"go","body":"x"}`)
	notJSON := writeInput(t, dir, "notes.json", "this is not JSON")

	r := runCmd(t, "", "-root", root, "post", good, other)
	if r.code != exitOK || !strings.Contains(r.stdout, "created   hello (blog/hello.json)") || !strings.Contains(r.stdout, "created   other") {
		t.Fatalf("post: %+v", r)
	}
	if r := runCmd(t, "", "-root", root, "post", good); r.code != exitOK || !strings.HasPrefix(r.stdout, "unchanged hello") {
		t.Errorf("republish: %+v", r)
	}
	r = runCmd(t, "", "-root", root, "post", bad)
	if r.code != exitError {
		t.Errorf("invalid post: exit %d, want %d", r.code, exitError)
	}
	r.oneErrorLine(t, "invalid post: slug")
	r = runCmd(t, "", "-root", root, "post", notJSON)
	if r.code != exitError {
		t.Errorf("non-JSON post: exit %d", r.code)
	}
	r.oneErrorLine(t, "not valid JSON")
	r = runCmd(t, "", "-root", root, "post", filepath.Join(dir, "missing.json"))
	if r.code != exitError {
		t.Errorf("missing file: exit %d", r.code)
	}
	r.oneErrorLine(t, "missing.json")
	// A bad file among good ones: the good ones are published, the exit status reports the failure.
	stdinPost := `{"slug":"from-stdin","title":"Stdin","topic":"go","body":"Piped."}`
	r = runCmd(t, stdinPost, "-root", root, "post", bad, "-")
	if r.code != exitError || !strings.Contains(r.stdout, "created   from-stdin") {
		t.Errorf("post bad -: %+v", r)
	}

	r = runCmd(t, "", "-root", root, "list")
	if r.code != exitOK || !strings.Contains(r.stdout, "hello") || !strings.Contains(r.stdout, "from-stdin") {
		t.Errorf("list: %+v", r)
	}
	r = runCmd(t, "", "-root", root, "list", "-json")
	var entries []publisher.Entry
	if err := json.Unmarshal([]byte(r.stdout), &entries); err != nil || len(entries) != 3 {
		t.Errorf("list -json: %v, %d entries:\n%s", err, len(entries), r.stdout)
	}
	r = runCmd(t, "", "-root", root, "topics", "-status", "published")
	if r.code != exitOK || !strings.Contains(r.stdout, "go") || !strings.Contains(r.stdout, "rust") {
		t.Errorf("topics: %+v", r)
	}

	if r := runCmd(t, "", "-root", root, "verify"); r.code != exitOK || !strings.HasPrefix(r.stdout, "ok: 3 posts") {
		t.Fatalf("verify: %+v", r)
	}

	// Corrupt the index: verify fails with status 1, repair fixes it, verify passes again.
	st, _ := publisher.Open(root)
	if err := atomicfs.WriteFile(filepath.Join(root, "_system", "contentIndex.json"), []byte(`{"version":1,"po`), 0o644); err != nil {
		t.Fatal(err)
	}
	r = runCmd(t, "", "-root", root, "verify")
	if r.code != exitVerify || !strings.Contains(r.stdout, "_system/contentIndex.json: invalid-json") {
		t.Errorf("verify of a corrupt root: %+v", r)
	}
	r.oneErrorLine(t, "1 problems")
	r = runCmd(t, "", "-root", root, "post", good)
	if r.code != exitError {
		t.Errorf("post into a root with a corrupt index: exit %d", r.code)
	}
	r.oneErrorLine(t, "content index is corrupt")
	if !strings.Contains(r.stderr, "run 'publish verify' and 'publish repair'") {
		t.Errorf("no hint: %q", r.stderr)
	}
	r = runCmd(t, "", "-root", root, "repair")
	if r.code != exitOK || !strings.Contains(r.stdout, "quarantined") || !strings.Contains(r.stdout, "rebuilt") {
		t.Errorf("repair: %+v", r)
	}
	if r := runCmd(t, "", "-root", root, "repair"); r.code != exitOK || r.stdout != "nothing to repair\n" {
		t.Errorf("second repair: %+v", r)
	}
	if r := runCmd(t, "", "-root", root, "verify"); r.code != exitOK {
		t.Errorf("verify after repair: %+v", r)
	}
	if list, _ := st.List(); len(list) != 3 {
		t.Errorf("index after repair has %d posts", len(list))
	}

	if r := runCmd(t, "", "-root", root, "recover"); r.code != exitOK || !strings.HasPrefix(r.stdout, "not-needed") {
		t.Errorf("recover: %+v", r)
	}
	if r := runCmd(t, "", "-root", root, "rebuild"); r.code != exitOK || !strings.Contains(r.stdout, "already matches the 3 post files") {
		t.Errorf("rebuild: %+v", r)
	}
	if r := runCmd(t, "", "-root", root, "clean-temps"); r.code != exitOK || r.stdout != "no temp files\n" {
		t.Errorf("clean-temps: %+v", r)
	}

	r = runCmd(t, "", "-root", root, "metrics", "-json")
	var m map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &m); err != nil {
		t.Fatalf("metrics -json is not one JSON object: %v\n%s", err, r.stdout)
	}
	for _, key := range []string{"attempts", "successes", "failures", "duration", "locks"} {
		if _, ok := m[key]; !ok {
			t.Errorf("metrics -json lacks %q", key)
		}
	}
	// Five publishes passed validation: hello (twice, the second unchanged), other, from-stdin, and
	// hello again, which failed on the corrupt index.
	if m["successes"] != float64(4) || m["attempts"] != float64(5) {
		t.Errorf("metrics: attempts %v successes %v, want 5 and 4", m["attempts"], m["successes"])
	}
	if f, _ := m["failures"].(map[string]any); f["index_corrupt"] != float64(1) {
		t.Errorf("metrics: failures %v, want index_corrupt: 1", m["failures"])
	}
	r = runCmd(t, "", "-root", root, "metrics")
	if r.code != exitOK || !strings.Contains(r.stdout, "publish successes  4") || !strings.Contains(r.stdout, "lock acquisitions") {
		t.Errorf("metrics:\n%s", r.stdout)
	}

	if r := runCmd(t, "", "-root", root, "unpublish", "other"); r.code != exitOK || r.stdout != "unpublished other\n" {
		t.Errorf("unpublish: %+v", r)
	}
	r = runCmd(t, "", "-root", root, "unpublish", "other")
	if r.code != exitError {
		t.Errorf("unpublish of an unknown slug: exit %d", r.code)
	}
	r.oneErrorLine(t, "not found")
}

func TestMissingRoot(t *testing.T) {
	root := filepath.Join(t.TempDir(), "typo")
	for _, cmd := range []string{"list", "topics", "verify", "repair", "rebuild", "recover", "metrics", "clean-temps"} {
		r := runCmd(t, "", "-root", root, cmd)
		if r.code != exitError {
			t.Errorf("%s on a missing root: exit %d, want %d", cmd, r.code, exitError)
		}
		r.oneErrorLine(t, "does not exist")
		if _, err := os.Stat(root); err == nil {
			t.Fatalf("%s created the missing root", cmd)
		}
	}
}

func TestDemo(t *testing.T) {
	root := filepath.Join(t.TempDir(), "demo")
	r := runCmd(t, "", "-root", root, "demo")
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("demo: %+v", r)
	}
	for _, want := range []string{"created   hello-world", "unchanged hello-world", "updated   hello-world",
		"rejected: invalid post: slug", "index-missing", "rebuilt", "verify: ok=true", "unpublished kill-dash-nine",
		"publish successes"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("demo output lacks %q:\n%s", want, r.stdout)
		}
	}
	if r := runCmd(t, "", "-root", root, "verify"); r.code != exitOK {
		t.Errorf("verify after demo: %+v", r)
	}
	r = runCmd(t, "", "-root", root, "demo")
	if r.code != exitError {
		t.Errorf("demo into a used root: exit %d", r.code)
	}
	r.oneErrorLine(t, "not empty")
}
