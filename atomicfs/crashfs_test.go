//go:build unix

package atomicfs

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// crashSectorModel splits un-fsynced data into 512-byte sectors, the unit a disk writes
// atomically, so that even small documents persist in part.
var crashSectorModel = crashModel{BlockSize: 512, MaxSubsetBlocks: 8, RandomSubsets: 32, MaxDirOps: 12, MaxStates: 1 << 16}

// crashTestModel is crashSectorModel, with ATOMICFS_TORTURE_SUBSETS=n random subsets of a large
// file's blocks instead of 32 (and room for the states they make).
func crashTestModel(t *testing.T) crashModel {
	m := crashSectorModel
	if s := os.Getenv("ATOMICFS_TORTURE_SUBSETS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			t.Fatalf("ATOMICFS_TORTURE_SUBSETS=%q: want a number of subsets", s)
		}
		m.RandomSubsets, m.MaxStates = n, max(m.MaxStates, 256*n)
	}
	return m
}

// crashScenario is one call that replaces target (a slash-separated path under the test's root
// directory) with new.
type crashScenario struct {
	name   string
	target string
	old    []byte // the target's content before the call; nil: it does not exist
	new    []byte
	dirs   []string          // directories to make first (slash-separated, in order)
	links  map[string]string // symbolic links to make first, and which must stay links
	write  func(path string, data []byte) error
	// blockSize, if set, replaces the model's 512-byte sectors (for large files: each version
	// the model tries is built, and their number grows with the blocks).
	blockSize int
	// faults, if set, make the call fail (applied after the recorder, so a call they replace is
	// not recorded, as it is not made); the target must then keep old in every state.
	faults func(*fileOps)
}

// crashDoc is a JSON-like document of about size bytes, different for each tag.
func crashDoc(tag string, size int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"doc":"` + tag + `","pad":"`)
	for b.Len() < size-3 {
		b.WriteByte('a' + byte(b.Len()%26))
	}
	b.WriteString("\"}\n")
	return b.Bytes()
}

func writeFileCall(opts ...Option) func(string, []byte) error {
	return func(path string, data []byte) error { return WriteFile(path, data, 0o644, opts...) }
}

// createCommitCall writes data through Create/Commit in chunks of chunk bytes.
func createCommitCall(chunk int) func(string, []byte) error {
	return func(path string, data []byte) error {
		f, err := Create(path, 0o644)
		if err != nil {
			return err
		}
		defer f.Close()
		for rest := data; len(rest) > 0; {
			n := min(chunk, len(rest))
			if _, err := f.Write(rest[:n]); err != nil {
				return err
			}
			rest = rest[n:]
		}
		return f.Commit()
	}
}

// updateCall replaces the content with data through Update, checking that fn got old.
func updateCall(old []byte, opts ...Option) func(string, []byte) error {
	return func(path string, data []byte) error {
		return Update(path, 0o644, func(got []byte) ([]byte, error) {
			if !bytes.Equal(got, old) || (got == nil) != (old == nil) {
				return nil, os.ErrInvalid
			}
			return data, nil
		}, opts...)
	}
}

var crashScenarios = []crashScenario{
	{name: "WriteFile new", target: "data.json", new: crashDoc("new", 3000), write: writeFileCall()},
	{name: "WriteFile existing", target: "data.json", old: crashDoc("old", 1000), new: crashDoc("new", 3000), write: writeFileCall()},
	{name: "WriteFile WithoutVerify", target: "data.json", old: crashDoc("old", 1000), new: crashDoc("new", 3000), write: writeFileCall(WithoutVerify())},
	// Large enough that the read-back runs beside the fsync, in another goroutine.
	{name: "WriteFile large", target: "data.json", old: crashDoc("old", 1000), new: crashDoc("new", overlapVerifyMin+(44<<10)), write: writeFileCall(), blockSize: 4096},
	{name: "WriteFile shorter", target: "data.json", old: crashDoc("old", 3000), new: crashDoc("new", 700), write: writeFileCall()},
	{name: "Create/Commit small", target: "data.json", old: crashDoc("old", 1000), new: crashDoc("new", 2500), write: createCommitCall(100)},
	// Larger than a File's buffer, so that it reaches the temp file in several writes.
	{name: "Create/Commit large", target: "data.json", old: crashDoc("old", 1000), new: crashDoc("new", 150<<10), write: createCommitCall(40 << 10)},
	// Three new directories: each must be durable in its parent before the file is renamed in.
	{name: "WithMkdirAll", target: "a/b/c/data.json", new: crashDoc("new", 2000), write: writeFileCall(WithMkdirAll(0o755))},
	{name: "WithMkdirAll, one parent there", target: "a/b/c/data.json", new: crashDoc("new", 2000), write: writeFileCall(WithMkdirAll(0o755)), dirs: []string{"a"}},
	// Through links the kernel follows: the file the link leads to is replaced, the link stays, and
	// the directory fsynced is the one the new entry is in; ".." after a linked directory is the
	// parent of where the link leads, not of the link.
	{name: "WriteFile through a link", target: "data.json", old: crashDoc("old", 1000), new: crashDoc("new", 2000), write: writeFileCall(),
		dirs: []string{"real"}, links: map[string]string{"data.json": "real/data.json"}},
	{name: "WriteFile through .. after a linked directory", target: "l.json", old: crashDoc("old", 1000), new: crashDoc("new", 2000), write: writeFileCall(),
		dirs: []string{"other", "other/deep"}, links: map[string]string{"sub": "other/deep", "l.json": "sub/../t.json"}},
	// Failures after the temp file exists: it is removed, and the target never changes.
	{name: "WriteFile, fsync fails", target: "data.json", old: crashDoc("old", 1000), new: crashDoc("new", 2000), write: writeFileCall(), faults: failFileSync},
	{name: "Create/Commit, rename refused", target: "data.json", old: crashDoc("old", 1000), new: crashDoc("new", 2000), write: createCommitCall(100), faults: refuseRename},
	{name: "Update existing", target: "data.json", old: crashDoc("old", 1000), new: crashDoc("new", 2000), write: updateCall(crashDoc("old", 1000))},
	{name: "Update new", target: "data.json", new: crashDoc("new", 2000), write: updateCall(nil)},
	{name: "UpdateJSON", target: "data.json", old: []byte("{\"n\":41}\n"), new: []byte("{\"n\":42}\n"), write: updateJSONIncrement},
	{name: "WriteJSON", target: "data.json", old: crashDoc("old", 1000), new: []byte("{\"doc\":\"new\"}\n"), write: writeJSONDoc},
	{name: "Update WithMkdirAll", target: "a/b/data.json", new: crashDoc("new", 2000), write: updateCall(nil, WithMkdirAll(0o755))},
}

// failFileSync makes the temp file's fsync fail with EIO.
func failFileSync(o *fileOps) {
	o.sync = func(f *os.File) error { return &fs.PathError{Op: "sync", Path: f.Name(), Err: syscall.EIO} }
}

// refuseRename makes the rename over the target fail with EXDEV.
func refuseRename(o *fileOps) {
	o.rename = func(d *directory, oldname, newname string) error {
		return &os.LinkError{Op: "rename", Old: d.join(oldname), New: d.join(newname), Err: syscall.EXDEV}
	}
}

// recordCrashScenario sets up scenario sc under root, runs it with the seam recorded and then
// changed by faults (after the recorder: a fault that drops a call hides it from the model too),
// and returns the recorder and the trace.
func recordCrashScenario(root string, sc crashScenario, faults func(*fileOps)) (*crashRecorder, []crashOp, error) {
	target := filepath.Join(root, filepath.FromSlash(sc.target))
	if err := os.WriteFile(filepath.Join(root, "other.json"), []byte("{}\n"), 0o644); err != nil {
		return nil, nil, err
	}
	for _, d := range sc.dirs {
		if err := os.Mkdir(filepath.Join(root, filepath.FromSlash(d)), 0o755); err != nil {
			return nil, nil, err
		}
	}
	for link, dest := range sc.links {
		if err := os.Symlink(dest, filepath.Join(root, filepath.FromSlash(link))); err != nil {
			return nil, nil, err
		}
	}
	if sc.old != nil {
		if err := os.WriteFile(target, sc.old, 0o644); err != nil {
			return nil, nil, err
		}
	}
	rec, err := newCrashRecorder(root)
	if err != nil {
		return nil, nil, err
	}
	saved := ops
	rec.wrap(&ops)
	for _, f := range []func(*fileOps){sc.faults, faults} {
		if f != nil {
			f(&ops)
		}
	}
	err = sc.write(target, sc.new)
	ops = saved
	want := sc.new
	switch {
	case sc.faults == nil && err != nil:
		return nil, nil, err
	case sc.faults != nil && err == nil:
		return nil, nil, errors.New("the call succeeded despite the faults")
	case sc.faults != nil:
		want = sc.old
	}
	if got, err := os.ReadFile(target); err != nil || !bytes.Equal(got, want) {
		return nil, nil, fmt.Errorf("after the call %s holds %q (%v), want %q", target, clip(got), err, clip(want))
	}
	trace, err := rec.trace()
	return rec, trace, err
}

// crashRun records scenario sc (see recordCrashScenario) and checks every state of every power
// cut.
func crashRun(t *testing.T, sc crashScenario, faults func(*fileOps)) *crashReport {
	t.Helper()
	rec, trace, err := recordCrashScenario(t.TempDir(), sc, faults)
	if err != nil {
		t.Fatalf("%s: %v", sc.name, err)
	}
	m := crashTestModel(t)
	if sc.blockSize != 0 {
		m.BlockSize = sc.blockSize
	}
	rep, err := checkCrashStates(m, rec.initial, trace, crashExpect{
		Target:    sc.target,
		Old:       sc.old,
		New:       sc.new,
		Returned:  len(trace),
		Failed:    sc.faults != nil,
		Links:     sc.links,
		Leftover:  IsTemp,
		Unchanged: map[string][]byte{"other.json": []byte("{}\n")},
	})
	if err != nil {
		t.Fatalf("%s: %v", sc.name, err)
	}
	return rep
}

// TestCrashStates records each scenario's operations through the fault seam and checks every
// state a power cut after any of them may leave: the target holds the old content or the new,
// never anything else, and the new in every state once the call has returned. The negative
// controls (TestCrashStatesNegative) run the same code with a durability step dropped or moved,
// and the model must find states that break the promise. ATOMICFS_TORTURE_SUBSETS scales up the
// patterns of large files' sectors tried.
func TestCrashStates(t *testing.T) {
	total := 0
	for _, sc := range crashScenarios {
		rep := crashRun(t, sc, nil)
		total += rep.states()
		if rep.violations > 0 {
			t.Errorf("%s: %d of %d states break the promise, e.g.\n  %s%s", sc.name, rep.violations, rep.states(),
				strings.Join(rep.Violations, "\n  "), rep.table())
			continue
		}
		t.Logf("%s: %d power cuts, %d states (%d distinct), none broke the promise%s", sc.name, len(rep.Points), rep.states(), rep.distinct(), rep.table())
	}
	t.Logf("%d scenarios, %d states checked", len(crashScenarios), total)
}

// TestCrashStatesNegative runs the writers with a durability step taken out and requires the
// model to find what that breaks: without the file fsync a target that is empty or partial; without
// the directory fsync an old (or missing) target after the call returned.
func TestCrashStatesNegative(t *testing.T) {
	dropFileSync := func(o *fileOps) { o.sync = func(*os.File) error { return nil } }
	dropDirSync := func(o *fileOps) { o.syncDir = func(*directory, *os.File) error { return nil } }
	cases := []struct {
		name   string
		sc     crashScenario
		faults func(*fileOps)
		kinds  []string // at least one violation of one of these
	}{
		{"WriteFile without file fsync", crashScenarioNamed("WriteFile existing"), dropFileSync, []string{"empty", "partial"}},
		{"Create/Commit without file fsync", crashScenarioNamed("Create/Commit large"), dropFileSync, []string{"empty", "partial"}},
		{"Update without file fsync", crashScenarioNamed("Update existing"), dropFileSync, []string{"empty", "partial"}},
		{"WriteFile without directory fsync", crashScenarioNamed("WriteFile existing"), dropDirSync, []string{"old after return"}},
		{"WriteFile new without directory fsync", crashScenarioNamed("WriteFile new"), dropDirSync, []string{"old after return"}},
		{"Create/Commit without directory fsync", crashScenarioNamed("Create/Commit small"), dropDirSync, []string{"old after return"}},
		{"WriteFile with the file fsync after the rename", crashScenarioNamed("WriteFile existing"), syncFileAfterRename, []string{"empty", "partial"}},
		{"WithMkdirAll without the parents' fsyncs", crashScenarioNamed("WithMkdirAll"), dropParentSyncs, []string{"old after return"}},
		{"WriteFile WithoutSync", withWrite(crashScenarioNamed("WriteFile existing"), writeFileCall(WithoutSync())), nil, []string{"empty", "partial", "old after return"}},
	}
	for _, c := range cases {
		rep := crashRun(t, c.sc, c.faults)
		found := 0
		for _, k := range c.kinds {
			found += rep.kinds[k]
		}
		if found == 0 {
			t.Errorf("%s: the model found no state that is %s (violations %v)%s", c.name, strings.Join(c.kinds, " or "), rep.kinds, rep.table())
			continue
		}
		t.Logf("%s: caught, %d of %d states break the promise (%v), e.g.\n  %s", c.name, rep.violations, rep.states(), rep.kinds, strings.Join(rep.Violations, "\n  "))
	}
}

// syncFileAfterRename moves the file fsync from before the rename to after it (just before the
// directory's): every fsync is made, in the wrong order.
func syncFileAfterRename(o *fileOps) {
	sync, syncDir := o.sync, o.syncDir
	o.sync = func(*os.File) error { return nil }
	o.syncDir = func(d *directory, f *os.File) error {
		if f != nil {
			if err := sync(f); err != nil {
				return err
			}
		}
		return syncDir(d, f)
	}
}

// dropParentSyncs drops the fsyncs of every directory but the target's own in the WithMkdirAll
// scenario: those that make the new directories durable.
func dropParentSyncs(o *fileOps) {
	syncDir := o.syncDir
	o.syncDir = func(d *directory, f *os.File) error {
		if strings.HasSuffix(d.path, "/a/b/c") {
			return syncDir(d, f)
		}
		return nil
	}
}

// updateJSONIncrement increments the counter n through UpdateJSON; data is what that must write.
func updateJSONIncrement(path string, data []byte) error {
	return UpdateJSON(path, 0o644, func(c *crashCounter) error { c.N++; return nil })
}

type crashCounter struct {
	N int `json:"n"`
}

// writeJSONDoc writes the document {"doc":"new"} through WriteJSON; data is what that must write.
func writeJSONDoc(path string, data []byte) error {
	return WriteJSON(path, map[string]string{"doc": "new"}, 0o644)
}

// crashScenarioNamed returns the scenario of crashScenarios called name.
func crashScenarioNamed(name string) crashScenario {
	for _, sc := range crashScenarios {
		if sc.name == name {
			return sc
		}
	}
	panic("no crash scenario " + name)
}

func withWrite(sc crashScenario, write func(string, []byte) error) crashScenario {
	sc.write = write
	return sc
}

// crashSeamFuncs says, for every function of the fault seam, whether the recorder records it
// (it can change what a power cut leaves) or passes it through (it cannot).
var crashSeamFuncs = map[string]bool{
	"openFile": true, "mkdir": true, "remove": true, "write": true, "sync": true, "rename": true, "syncDir": true,
	"openDir": false, "readAt": false,
}

// TestCrashRecorderCoversTheSeam fails when the seam gains a function the recorder has not been
// taught about: a new way to change files that the crash-state model would silently not see.
func TestCrashRecorderCoversTheSeam(t *testing.T) {
	typ := reflect.TypeFor[fileOps]()
	for i := range typ.NumField() {
		name := typ.Field(i).Name
		if _, ok := crashSeamFuncs[name]; !ok {
			t.Errorf("the seam's %s is new to the crash-state recorder: record it in crashRecorder.wrap (if it can change what a power cut leaves) and list it in crashSeamFuncs", name)
		}
	}
	if typ.NumField() != len(crashSeamFuncs) {
		t.Errorf("crashSeamFuncs lists %d functions, the seam has %d", len(crashSeamFuncs), typ.NumField())
	}
	// The recorded ones are replaced by wrap, the others are not.
	o := ops
	before := reflect.ValueOf(o)
	(&crashRecorder{}).wrap(&o)
	after := reflect.ValueOf(o)
	for i := range typ.NumField() {
		name := typ.Field(i).Name
		wrapped := before.Field(i).Pointer() != after.Field(i).Pointer()
		if recorded, ok := crashSeamFuncs[name]; ok && wrapped != recorded {
			t.Errorf("seam function %s: wrapped by the recorder %v, listed as recorded %v", name, wrapped, recorded)
		}
	}
}
