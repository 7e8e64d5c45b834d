package atomicfs

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
)

// Objects of the hand-made traces below.
const (
	mRoot crashObj = iota + 1
	mDirA
	mDirB
	mOld
	mNew
	mOther
)

// modelFS is a durable initial state for the hand-made traces: the root, holding the files
// "old" (object mOld) and "other" (mOther) if given.
func modelFS(files map[string]string) *crashFS {
	s := &crashFS{Root: mRoot, Dirs: map[crashObj]map[string]crashObj{mRoot: {}}, Files: map[crashObj][]byte{}}
	for name, obj := range map[string]crashObj{"old": mOld, "other": mOther} {
		if data, ok := files[name]; ok {
			s.Dirs[mRoot][name], s.Files[obj] = obj, []byte(data)
		}
	}
	return s
}

// outcomes returns what each of paths shows, joined with " ", in every state of the power cut
// after the last of ops: the distinct outcomes, sorted; a missing file shows as "-".
func outcomes(t *testing.T, m crashModel, initial *crashFS, ops []crashOp, paths ...string) []string {
	t.Helper()
	set := map[string]bool{}
	counts, err := crashEnumerate(m, initial, ops, func(point int, s *crashFS) {
		if point != len(ops) {
			return
		}
		var shown []string
		for _, p := range paths {
			obj := s.lookup(p)
			data, ok := s.Files[obj]
			switch {
			case obj == 0:
				shown = append(shown, "-")
			case !ok:
				shown = append(shown, "dir")
			default:
				shown = append(shown, fmt.Sprintf("%q", data))
			}
		}
		set[strings.Join(shown, " ")] = true
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(counts) != len(ops)+1 {
		t.Fatalf("%d power cuts for %d operations, want %d", len(counts), len(ops), len(ops)+1)
	}
	return slices.Sorted(maps.Keys(set))
}

func wantOutcomes(t *testing.T, got []string, want ...string) {
	t.Helper()
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("outcomes\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

var smallBlocks = crashModel{BlockSize: 4, MaxSubsetBlocks: 8, MaxDirOps: 12, MaxStates: 1 << 16}

func createOp(dir crashObj, name string, obj crashObj) crashOp {
	return crashOp{Kind: crashCreate, Dir: dir, Name: name, Obj: obj}
}
func writeOp(obj crashObj, off int64, data string) crashOp {
	return crashOp{Kind: crashWrite, Obj: obj, Off: off, Data: []byte(data)}
}
func fsyncOp(obj crashObj) crashOp { return crashOp{Kind: crashFsync, Obj: obj} }
func renameOp(dir crashObj, name string, dir2 crashObj, name2 string, obj crashObj) crashOp {
	return crashOp{Kind: crashRename, Dir: dir, Name: name, Dir2: dir2, Name2: name2, Obj: obj}
}

// TestCrashModelUnsyncedData: a new file's data and name, neither fsynced, may each be lost; of
// the data any subset of blocks may persist, with the size made durable ahead of it or not.
func TestCrashModelUnsyncedData(t *testing.T) {
	ops := []crashOp{createOp(mRoot, "f", mNew), writeOp(mNew, 0, "abcdefgh")}
	wantOutcomes(t, outcomes(t, smallBlocks, modelFS(nil), ops, "f"),
		`-`, `""`, `"\x00\x00\x00\x00\x00\x00\x00\x00"`, `"abcd"`, `"abcd\x00\x00\x00\x00"`,
		`"\x00\x00\x00\x00efgh"`, `"abcdefgh"`)
}

// TestCrashModelFileFsync: fsync of a file makes its data durable, not its name.
func TestCrashModelFileFsync(t *testing.T) {
	ops := []crashOp{createOp(mRoot, "f", mNew), writeOp(mNew, 0, "abcdefgh"), fsyncOp(mNew)}
	wantOutcomes(t, outcomes(t, smallBlocks, modelFS(nil), ops, "f"), `-`, `"abcdefgh"`)
}

// TestCrashModelDirFsync: fsync of a directory makes the name durable, not the file's data.
func TestCrashModelDirFsync(t *testing.T) {
	ops := []crashOp{createOp(mRoot, "f", mNew), writeOp(mNew, 0, "abcdef"), fsyncOp(mRoot)}
	wantOutcomes(t, outcomes(t, smallBlocks, modelFS(nil), ops, "f"),
		`""`, `"\x00\x00\x00\x00\x00\x00"`, `"abcd"`, `"abcd\x00\x00"`, `"\x00\x00\x00\x00ef"`, `"abcdef"`)
	ops = append(ops, fsyncOp(mNew))
	wantOutcomes(t, outcomes(t, smallBlocks, modelFS(nil), ops, "f"), `"abcdef"`)
}

// TestCrashModelRenameOver is the atomic replacement: the fsynced temp file renamed over the
// target leaves the old content or the new until the directory's fsync, then only the new.
func TestCrashModelRenameOver(t *testing.T) {
	ops := []crashOp{
		createOp(mRoot, "tmp", mNew), writeOp(mNew, 0, "new!"), fsyncOp(mNew),
		renameOp(mRoot, "tmp", mRoot, "old", mNew),
	}
	initial := modelFS(map[string]string{"old": "old"})
	// Within one directory a rename is atomic: never both names, never neither; the temp file's
	// own creation may be lost independently (then only its rename tells where it went).
	wantOutcomes(t, outcomes(t, smallBlocks, initial, ops, "old", "tmp"),
		`"old" -`, `"old" "new!"`, `"new!" -`)
	ops = append(ops, fsyncOp(mRoot))
	wantOutcomes(t, outcomes(t, smallBlocks, initial, ops, "old", "tmp"), `"new!" -`)
}

// TestCrashModelRenameUnsyncedData is the missing file fsync: after the rename and the
// directory's fsync the target may hold any part of the new data.
func TestCrashModelRenameUnsyncedData(t *testing.T) {
	ops := []crashOp{
		createOp(mRoot, "tmp", mNew), writeOp(mNew, 0, "new!"),
		renameOp(mRoot, "tmp", mRoot, "old", mNew), fsyncOp(mRoot),
	}
	wantOutcomes(t, outcomes(t, smallBlocks, modelFS(map[string]string{"old": "old"}), ops, "old"),
		`""`, `"\x00\x00\x00\x00"`, `"new!"`)
}

// TestCrashModelRenameBetweenDirs: the two halves of a rename between directories are durable
// with their own directories' fsyncs, independently.
func TestCrashModelRenameBetweenDirs(t *testing.T) {
	initial := modelFS(nil)
	initial.Dirs[mRoot]["a"], initial.Dirs[mRoot]["b"] = mDirA, mDirB
	initial.Dirs[mDirA], initial.Dirs[mDirB] = map[string]crashObj{"f": mOld}, map[string]crashObj{}
	initial.Files[mOld] = []byte("x")
	ops := []crashOp{renameOp(mDirA, "f", mDirB, "g", mOld)}
	wantOutcomes(t, outcomes(t, smallBlocks, initial, ops, "a/f", "b/g"), `"x" -`, `- "x"`, `"x" "x"`, `- -`)
	wantOutcomes(t, outcomes(t, smallBlocks, initial, append(ops, fsyncOp(mDirB)), "a/f", "b/g"), `"x" "x"`, `- "x"`)
	wantOutcomes(t, outcomes(t, smallBlocks, initial, append(ops, fsyncOp(mDirB), fsyncOp(mDirA)), "a/f", "b/g"), `- "x"`)
}

// TestCrashModelMkdir: a file in a new directory is reachable only once the directory's own
// name is durable, which takes an fsync of its parent.
func TestCrashModelMkdir(t *testing.T) {
	ops := []crashOp{
		{Kind: crashMkdir, Dir: mRoot, Name: "a", Obj: mDirA},
		{Kind: crashMkdir, Dir: mDirA, Name: "b", Obj: mDirB},
		createOp(mDirB, "f", mNew), writeOp(mNew, 0, "x"), fsyncOp(mNew), fsyncOp(mDirB),
	}
	wantOutcomes(t, outcomes(t, smallBlocks, modelFS(nil), ops, "a", "a/b/f"), `- -`, `dir -`, `dir "x"`)
	ops = append(ops, fsyncOp(mDirA))
	wantOutcomes(t, outcomes(t, smallBlocks, modelFS(nil), ops, "a", "a/b/f"), `- -`, `dir "x"`)
	ops = append(ops, fsyncOp(mRoot))
	wantOutcomes(t, outcomes(t, smallBlocks, modelFS(nil), ops, "a", "a/b/f"), `dir "x"`)
}

// TestCrashModelUnlink: an unlink is lost or kept until the directory's fsync.
func TestCrashModelUnlink(t *testing.T) {
	ops := []crashOp{{Kind: crashUnlink, Dir: mRoot, Name: "old", Obj: mOld}}
	initial := modelFS(map[string]string{"old": "x"})
	wantOutcomes(t, outcomes(t, smallBlocks, initial, ops, "old"), `-`, `"x"`)
	wantOutcomes(t, outcomes(t, smallBlocks, initial, append(ops, fsyncOp(mRoot)), "old"), `-`)
}

// TestCrashModelOverwriteAndCounts: overwritten blocks of an existing file persist or not one by
// one over the durable content; the number of states is the product of the independent choices.
func TestCrashModelOverwriteAndCounts(t *testing.T) {
	initial := modelFS(map[string]string{"old": "0123456789"})
	ops := []crashOp{writeOp(mOld, 2, "abcd"), createOp(mRoot, "g", mNew)}
	wantOutcomes(t, outcomes(t, smallBlocks, initial, ops, "old"),
		`"0123456789"`, `"01ab456789"`, `"0123cd6789"`, `"01abcd6789"`)
	counts, err := crashEnumerate(smallBlocks, initial, ops, func(int, *crashFS) {})
	if err != nil {
		t.Fatal(err)
	}
	// start: 1; after the write: 4 versions of the file; after the create: × 2 (name kept or not).
	if !slices.Equal(counts, []int{1, 4, 8}) {
		t.Errorf("states per power cut %v, want [1 4 8]", counts)
	}
}

// TestCrashModelManyBlocks: beyond MaxSubsetBlocks, the prefixes and the single holes are tried.
func TestCrashModelManyBlocks(t *testing.T) {
	m := smallBlocks
	m.MaxSubsetBlocks = 2
	ops := []crashOp{createOp(mRoot, "f", mNew), writeOp(mNew, 0, "aaaabbbbcc"), fsyncOp(mRoot)}
	wantOutcomes(t, outcomes(t, m, modelFS(nil), ops, "f"),
		// prefixes, each also at the full size
		`""`, `"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"`,
		`"aaaa"`, `"aaaa\x00\x00\x00\x00\x00\x00"`,
		`"aaaabbbb"`, `"aaaabbbb\x00\x00"`, `"aaaabbbbcc"`,
		// all but one block
		`"\x00\x00\x00\x00bbbbcc"`, `"aaaa\x00\x00\x00\x00cc"`)
}

// TestCrashModelRejectsBadTraces: a trace that does not fit the state is an error, never a
// silently different model.
func TestCrashModelRejectsBadTraces(t *testing.T) {
	bad := [][]crashOp{
		{renameOp(mRoot, "nothing", mRoot, "x", mNew)},
		{createOp(mRoot, "old", mNew)},
		{createOp(mRoot, "again", mOld)},
		{writeOp(mNew, 0, "x")},
		{fsyncOp(mNew)},
		{{Kind: crashUnlink, Dir: mRoot, Name: "old", Obj: mNew}},
		{createOp(mOld, "x", mNew)},
	}
	for _, ops := range bad {
		if _, err := crashEnumerate(smallBlocks, modelFS(map[string]string{"old": "x"}), ops, func(int, *crashFS) {}); err == nil {
			t.Errorf("%v: no error", ops)
		}
	}
	many := smallBlocks
	many.MaxStates = 3
	if _, err := crashEnumerate(many, modelFS(nil), []crashOp{createOp(mRoot, "f", mNew), writeOp(mNew, 0, "abcdefgh")}, func(int, *crashFS) {}); err == nil {
		t.Error("no error beyond MaxStates")
	}
}

// TestCrashCheckerVerdicts: the checker accepts old or new before the return and only new after
// it, and names each kind of violation.
func TestCrashCheckerVerdicts(t *testing.T) {
	initial := modelFS(map[string]string{"old": "old", "other": "o"})
	good := []crashOp{
		createOp(mRoot, "tmp", mNew), writeOp(mNew, 0, "new content"), fsyncOp(mNew),
		renameOp(mRoot, "tmp", mRoot, "old", mNew), fsyncOp(mRoot),
	}
	want := crashExpect{Target: "old", Old: []byte("old"), New: []byte("new content"), Unchanged: map[string][]byte{"other": []byte("o")},
		Leftover: func(name string) bool { return name == "tmp" }}
	cases := []struct {
		name string
		ops  []crashOp
		kind string // "" for none
	}{
		{"correct", good, ""},
		{"no file fsync", slices.Delete(slices.Clone(good), 2, 3), "empty"},
		{"no directory fsync", good[:4], "old after return"},
		{"bystander", append(slices.Clone(good), crashOp{Kind: crashUnlink, Dir: mRoot, Name: "other", Obj: mOther}), "bystander"},
		{"truncated in place", []crashOp{writeOp(mOld, 0, "new content"), fsyncOp(mOld)}, "partial"},
		{"failed, temp removed", append(slices.Clone(good[:3]), crashOp{Kind: crashUnlink, Dir: mRoot, Name: "tmp", Obj: mNew}), ""},
		{"failed, but replaced", good, "new after failure"},
		{"stray", append(slices.Clone(good), createOp(mRoot, "t.json", mNew+10)), "stray"},
	}
	for _, c := range cases {
		w := want
		w.Returned = len(c.ops)
		w.Failed = strings.HasPrefix(c.name, "failed")
		rep, err := checkCrashStates(smallBlocks, initial, c.ops, w)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		switch {
		case c.kind == "" && rep.violations != 0:
			t.Errorf("%s: %d violations: %s", c.name, rep.violations, strings.Join(rep.Violations, "; "))
		case c.kind != "" && rep.kinds[c.kind] == 0:
			t.Errorf("%s: no %q violation (%v)%s", c.name, c.kind, rep.kinds, rep.table())
		}
		if rep.states() < len(c.ops)+1 || rep.distinct() > rep.states() {
			t.Errorf("%s: %d states, %d distinct, for %d power cuts", c.name, rep.states(), rep.distinct(), len(c.ops)+1)
		}
	}
}

// TestCrashModelLinks: the model's path walk is the kernel's: links followed wherever they are,
// ".." from where a link led, not from its name; a loop or an absolute link leads nowhere.
func TestCrashModelLinks(t *testing.T) {
	const (
		sub crashObj = iota + 20
		l
		loopX
		loopY
		abs
	)
	s := modelFS(map[string]string{"other": "x"})
	delete(s.Dirs[mRoot], "other")
	s.Dirs[mRoot]["other"], s.Dirs[mRoot]["sub"], s.Dirs[mRoot]["l.json"] = mDirA, sub, l
	s.Dirs[mRoot]["x"], s.Dirs[mRoot]["y"], s.Dirs[mRoot]["abs"] = loopX, loopY, abs
	s.Dirs[mDirA], s.Dirs[mDirB] = map[string]crashObj{"deep": mDirB, "t.json": mOther}, map[string]crashObj{}
	s.Links = map[crashObj]string{sub: "other/deep", l: "sub/../t.json", loopX: "y", loopY: "x", abs: "/etc/passwd"}
	for _, c := range []struct {
		path string
		want crashObj
	}{
		{"l.json", mOther}, {"sub", mDirB}, {"sub/..", mDirA}, {"sub/../t.json", mOther},
		{"other/deep/../t.json", mOther}, {"..", mRoot}, {"../other/./deep/", mDirB},
		{"x", 0}, {"abs", 0}, {"t.json", 0}, {"other/t.json/x", 0},
	} {
		if got := s.lookup(c.path); got != c.want {
			t.Errorf("lookup(%q) = #%d, want #%d", c.path, got, c.want)
		}
	}
	if got := s.lookupEntry("l.json"); got != l {
		t.Errorf("lookupEntry(l.json) = #%d, want the link #%d", got, l)
	}
	if got := s.lookupEntry("sub/../t.json"); got != mOther {
		t.Errorf("lookupEntry(sub/../t.json) = #%d, want #%d", got, mOther)
	}
}

// TestCrashCheckerLinks: a write through a link must leave the link a link; replacing it, even
// with the new content, is a violation.
func TestCrashCheckerLinks(t *testing.T) {
	const link crashObj = 30
	initial := modelFS(map[string]string{"old": "old"})
	initial.Dirs[mRoot]["lnk"] = link
	initial.Links = map[crashObj]string{link: "old"}
	want := crashExpect{Target: "lnk", Old: []byte("old"), New: []byte("new!"), Links: map[string]string{"lnk": "old"}}
	through := []crashOp{createOp(mRoot, "tmp", mNew), writeOp(mNew, 0, "new!"), fsyncOp(mNew), renameOp(mRoot, "tmp", mRoot, "old", mNew), fsyncOp(mRoot)}
	over := []crashOp{createOp(mRoot, "tmp", mNew), writeOp(mNew, 0, "new!"), fsyncOp(mNew), renameOp(mRoot, "tmp", mRoot, "lnk", mNew), fsyncOp(mRoot)}
	for _, c := range []struct {
		name string
		ops  []crashOp
		kind string
	}{{"through the link", through, ""}, {"over the link", over, "link replaced"}} {
		w := want
		w.Returned = len(c.ops)
		rep, err := checkCrashStates(smallBlocks, initial, c.ops, w)
		if err != nil {
			t.Fatal(err)
		}
		if got := rep.kinds[c.kind]; (c.kind == "" && rep.violations != 0) || (c.kind != "" && got == 0) {
			t.Errorf("%s: violations %v, want %q", c.name, rep.kinds, c.kind)
		}
	}
}

// TestCrashModelRandomSubsets: beyond MaxSubsetBlocks, random subsets add versions, each made
// of whole blocks that are either what was written or what was there (zeros past the durable end).
func TestCrashModelRandomSubsets(t *testing.T) {
	data := strings.Repeat("abcd", 12) // 12 blocks of 4
	ops := []crashOp{createOp(mRoot, "f", mNew), writeOp(mNew, 0, data), fsyncOp(mRoot)}
	count := func(m crashModel) int {
		n := 0
		_, err := crashEnumerate(m, modelFS(nil), ops, func(point int, s *crashFS) {
			if point != len(ops) {
				return
			}
			n++
			got := s.Files[s.lookup("f")]
			for off := 0; off < len(got); off += 4 {
				if b := string(got[off:min(off+4, len(got))]); b != "abcd" && b != "\x00\x00\x00\x00" {
					t.Fatalf("block at %d is %q: neither written nor absent", off, b)
				}
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	m := smallBlocks
	m.MaxSubsetBlocks = 4
	without := count(m)
	m.RandomSubsets = 20
	if with := count(m); with <= without {
		t.Errorf("%d states with random subsets, %d without: none added", with, without)
	}
}
