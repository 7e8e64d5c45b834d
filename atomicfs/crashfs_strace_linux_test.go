package atomicfs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// crashTraced is what the crashtrace child reports of one scenario: the recorded trace, as
// durability steps (see crashSteps).
type crashTraced struct {
	Name  string
	Root  string
	Steps []string
}

func init() {
	children["crashtrace"] = func() error {
		dir := os.Getenv("ATOMICFS_TEST_DIR")
		var traced []crashTraced
		for i, sc := range crashScenarios {
			root := filepath.Join(dir, strconv.Itoa(i))
			if err := os.Mkdir(root, 0o755); err != nil {
				return err
			}
			// The markers, looked up in the trace, delimit the call itself (not its setup).
			write := sc.write
			sc.write = func(path string, data []byte) error {
				os.Lstat(filepath.Join(dir, "MARKER-start-"+strconv.Itoa(i)))
				defer os.Lstat(filepath.Join(dir, "MARKER-end-"+strconv.Itoa(i)))
				return write(path, data)
			}
			var hide func(*fileOps)
			if os.Getenv("ATOMICFS_TEST_HIDE_FSYNC") != "" && sc.faults == nil {
				// The negative control: the file fsync is made, but past the recorder.
				hide = func(o *fileOps) { o.sync = (*os.File).Sync }
			}
			_, trace, err := recordCrashScenario(root, sc, hide)
			if err != nil {
				return fmt.Errorf("%s: %w", sc.name, err)
			}
			traced = append(traced, crashTraced{sc.name, root, crashSteps(trace)})
		}
		out, err := json.Marshal(traced)
		if err != nil {
			return err
		}
		return os.WriteFile(os.Getenv("ATOMICFS_TEST_OUT"), out, 0o644)
	}
}

// crashSteps describes a trace as the steps that make or break durability, in the form
// straceSteps gives the system calls; consecutive writes to one file are summed, since one
// write of the seam may take several write(2) calls.
func crashSteps(trace []crashOp) []string {
	var steps []string
	var lastWrite string
	var written int
	for _, op := range trace {
		if op.Kind == crashWrite && op.Path == lastWrite {
			written += len(op.Data)
			steps[len(steps)-1] = fmt.Sprintf("write %s %d", op.Path, written)
			continue
		}
		lastWrite = ""
		switch op.Kind {
		case crashWrite:
			lastWrite, written = op.Path, len(op.Data)
			steps = append(steps, fmt.Sprintf("write %s %d", op.Path, written))
		case crashRename:
			steps = append(steps, fmt.Sprintf("rename %s -> %s", op.Path, op.Path2))
		default:
			steps = append(steps, fmt.Sprintf("%v %s", op.Kind, op.Path))
		}
	}
	return steps
}

// The system calls that make or break durability, as strace -y shows them (a descriptor with
// its path in <>); at is a directory argument: AT_FDCWD, with or without the working directory,
// or a descriptor.
var (
	straceAt      = `(?:AT_FDCWD(?:<([^>]*)>)?|\d+<([^>]*)>), `
	straceCreate  = regexp.MustCompile(`^open(?:at)?\((?:` + straceAt + `)?"([^"]*)", ([A-Z0-9_|]+).*\)\s+= \d+`)
	straceWrite   = regexp.MustCompile(`^p?write(?:v|64|v2)?\(\d+<([^>]*)>, .*\)\s+= (\d+)$`)
	straceFsync   = regexp.MustCompile(`^(f(?:data)?sync|syncfs)\(\d+<([^>]*)>\)\s+= 0$`)
	straceRename  = regexp.MustCompile(`^rename(?:at2?)?\((?:` + straceAt + `)?"([^"]*)", (?:` + straceAt + `)?"([^"]*)".*\)\s+= 0$`)
	straceMkdir   = regexp.MustCompile(`^mkdir(?:at)?\((?:` + straceAt + `)?"([^"]*)".*\)\s+= 0$`)
	straceUnlink  = regexp.MustCompile(`^(?:unlink|rmdir)(?:at)?\((?:` + straceAt + `)?"([^"]*)".*\)\s+= 0$`)
	straceUnknown = regexp.MustCompile(`^(f?truncate|fallocate|link(?:at)?|symlink(?:at)?|copy_file_range|sendfile)\(`)
)

// stracePath is the path a call names with a directory argument (its two possible captures) and
// a name.
func stracePath(cwd, dirFD, name string) string {
	if filepath.IsAbs(name) {
		return filepath.Clean(name)
	}
	if dirFD != "" {
		return filepath.Join(dirFD, name)
	}
	return filepath.Join(cwd, name)
}

// straceSteps returns the durability steps of the system calls calls on paths under root, in
// the form of crashSteps; calls that change files in ways the model does not know are steps too
// ("unmodeled ..."), so that they cannot go unnoticed.
func straceSteps(calls []string, root string) []string {
	under := func(p string) bool { return p == root || strings.HasPrefix(p, root+"/") }
	var steps []string
	var lastWrite string
	var written int
	add := func(step string) {
		steps = append(steps, step)
		lastWrite = ""
	}
	for _, c := range calls {
		if m := straceWrite.FindStringSubmatch(c); m != nil && under(m[1]) {
			n, _ := strconv.Atoi(m[2])
			if n == 0 {
				continue
			}
			if m[1] == lastWrite {
				written += n
				steps[len(steps)-1] = fmt.Sprintf("write %s %d", m[1], written)
				continue
			}
			add(fmt.Sprintf("write %s %d", m[1], n))
			lastWrite, written = m[1], n
		} else if m := straceCreate.FindStringSubmatch(c); m != nil {
			// Only an exclusive create is known to make a new file; any other open that may
			// create one shows, if it did, as a difference between the model and the disk.
			p := stracePath(m[1], m[2], m[3])
			if under(p) && strings.Contains(m[4], "O_CREAT") && strings.Contains(m[4], "O_EXCL") {
				add("create " + p)
			}
		} else if m := straceFsync.FindStringSubmatch(c); m != nil && under(m[2]) {
			if m[1] == "syncfs" {
				add("syncfs " + m[2])
			} else {
				add("fsync " + m[2])
			}
		} else if m := straceRename.FindStringSubmatch(c); m != nil {
			from, to := stracePath(m[1], m[2], m[3]), stracePath(m[4], m[5], m[6])
			if under(from) || under(to) {
				add(fmt.Sprintf("rename %s -> %s", from, to))
			}
		} else if m := straceMkdir.FindStringSubmatch(c); m != nil {
			if p := stracePath(m[1], m[2], m[3]); under(p) {
				add("mkdir " + p)
			}
		} else if m := straceUnlink.FindStringSubmatch(c); m != nil {
			if p := stracePath(m[1], m[2], m[3]); under(p) {
				add("unlink " + p)
			}
		} else if m := straceUnknown.FindStringSubmatch(c); m != nil && strings.Contains(c, root+"/") {
			add("unmodeled " + c)
		}
	}
	return steps
}

// TestCrashTraceIsTheSystemCalls runs the crash-state scenarios under strace -f with the
// recorder on and checks that the trace the model was given is exactly the sequence of system
// calls that create, write, fsync, rename, make or remove files and directories of the
// scenario: same calls, same files, same byte counts, same order. So the model saw every
// durability step the kernel saw, no more and no fewer. The negative control makes the file
// fsyncs past the recorder, and the comparison must notice.
func TestCrashTraceIsTheSystemCalls(t *testing.T) {
	strace, err := exec.LookPath("strace")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("strace is required under CI=true: %v", err)
		}
		t.Skip("strace not installed: skipping the comparison of the crash-state trace with the system calls (install strace to run it)")
	}
	for _, hide := range []bool{false, true} {
		traced, calls := straceCrashScenarios(t, strace, hide)
		for i, tr := range traced {
			start := slices.IndexFunc(calls, func(c string) bool { return strings.Contains(c, "MARKER-start-"+strconv.Itoa(i)+`"`) })
			end := slices.IndexFunc(calls, func(c string) bool { return strings.Contains(c, "MARKER-end-"+strconv.Itoa(i)+`"`) })
			if start < 0 || end < start {
				t.Fatalf("%s: markers not found in the system call trace (%d, %d)", tr.Name, start, end)
			}
			if hide && crashScenarios[i].faults != nil {
				continue // its fsyncs fail or are not the point: nothing to hide
			}
			seen := straceSteps(calls[start:end], tr.Root)
			switch same := slices.Equal(seen, tr.Steps); {
			case hide && same:
				t.Errorf("%s: an fsync made past the recorder went unnoticed:\n  %s", tr.Name, strings.Join(seen, "\n  "))
			case !hide && !same:
				t.Errorf("%s: the model's trace and the system calls differ\nmodel:\n  %s\nsystem calls:\n  %s",
					tr.Name, strings.Join(tr.Steps, "\n  "), strings.Join(seen, "\n  "))
			case !hide:
				t.Logf("%s: %d steps, as strace saw them (paths in %s):\n  %s", tr.Name, len(seen), tr.Root,
					strings.ReplaceAll(strings.Join(seen, "\n  "), tr.Root+"/", ""))
			}
		}
	}
}

// straceCrashScenarios runs the crashtrace child under strace (with hide, its file fsyncs past
// the recorder) and returns what it recorded and the system calls.
func straceCrashScenarios(t *testing.T, strace string, hide bool) ([]crashTraced, []string) {
	t.Helper()
	for attempt := 1; ; attempt++ {
		dir, err := filepath.EvalSymlinks(t.TempDir()) // strace shows the kernel's path
		if err != nil {
			t.Fatal(err)
		}
		work := t.TempDir()
		trace, out := filepath.Join(work, "strace"), filepath.Join(work, "traced.json")
		cmd := exec.Command(strace, "-f", "-qq", "-y", "-s", "64", "-o", trace, "-e", "trace=%file,%desc", os.Args[0])
		cmd.Env = append(os.Environ(), childEnv+"=crashtrace", "ATOMICFS_TEST_DIR="+dir, "ATOMICFS_TEST_OUT="+out)
		if hide {
			cmd.Env = append(cmd.Env, "ATOMICFS_TEST_HIDE_FSYNC=1")
		}
		b, err := cmd.CombinedOutput()
		if err != nil {
			// strace 6.1 now and then fails on its own (ptrace(PTRACE_LISTEN, ...): EIO, a
			// thread of the tracee exiting under it): that says nothing about the child.
			if attempt < 3 && bytes.Contains(b, []byte("strace: ptrace(")) {
				t.Logf("strace failed on its own, trying again: %s", bytes.TrimSpace(b))
				continue
			}
			t.Fatalf("strace: %v\n%s", err, b)
		}
		calls := readTrace(t, trace)
		b, err = os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		var traced []crashTraced
		if err := json.Unmarshal(b, &traced); err != nil {
			t.Fatal(err)
		}
		if len(traced) != len(crashScenarios) {
			t.Fatalf("the child traced %d scenarios, want %d", len(traced), len(crashScenarios))
		}
		return traced, calls
	}
}
