package atomicfs

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestCrashModelMatchesOracle compares the model's crash states with a brute-force oracle on
// random small traces. The oracle computes the same semantics another way: it splits the trace
// into effects (an entry change, one block of a write), forces those that a later fsync of their
// directory or file made durable, and tries every subset of the others over the whole trace (and,
// for each file with an un-fsynced block, its size at the cut or not), where the model keeps
// durable state per object and multiplies per-object choices.
func TestCrashModelMatchesOracle(t *testing.T) {
	m := crashModel{BlockSize: 4, MaxSubsetBlocks: 16, MaxDirOps: 16, MaxStates: 1 << 20}
	traces, checked := 300, 0
	if testing.Short() {
		traces = 100
	}
	for seed := range uint64(traces) {
		initial, ops := randomCrashTrace(rand.New(rand.NewPCG(seed, 0x5eed)))
		for cut := 0; cut <= len(ops); cut++ {
			want, ok := oracleCrashStates(initial, ops[:cut], 10)
			if !ok {
				continue // too many free effects for the oracle
			}
			got := map[string]bool{}
			_, err := crashEnumerate(m, initial, ops[:cut], func(point int, s *crashFS) {
				if point == cut {
					got[canonicalCrashFS(s)] = true
				}
			})
			if err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			if !maps.Equal(got, want) {
				t.Fatalf("seed %d, cut %d of %v:\nmodel only: %q\noracle only: %q", seed, cut, ops[:cut], onlyIn(got, want), onlyIn(want, got))
			}
			checked++
		}
	}
	t.Logf("%d random traces, %d power cuts: the model's states are the oracle's", traces, checked)
}

func onlyIn(a, b map[string]bool) []string {
	var only []string
	for k := range a {
		if !b[k] {
			only = append(only, k)
		}
	}
	slices.Sort(only)
	return only
}

// canonicalCrashFS describes what a program can see in s: every name reachable from the root
// and what it holds.
func canonicalCrashFS(s *crashFS) string {
	var b strings.Builder
	var walk func(dir crashObj, prefix string)
	walk = func(dir crashObj, prefix string) {
		for _, name := range slices.Sorted(maps.Keys(s.Dirs[dir])) {
			obj := s.Dirs[dir][name]
			if data, ok := s.Files[obj]; ok {
				fmt.Fprintf(&b, "%s%s=%q ", prefix, name, data)
			} else {
				fmt.Fprintf(&b, "%s%s/ ", prefix, name)
				walk(obj, prefix+name+"/")
			}
		}
	}
	walk(s.Root, "")
	return b.String()
}

// randomCrashTrace makes a valid trace of up to 9 operations on a root with one file and one
// subdirectory: creates, writes, fsyncs, renames (within and between directories), unlinks and
// a mkdir.
func randomCrashTrace(r *rand.Rand) (*crashFS, []crashOp) {
	const root, sub, first crashObj = 1, 2, 3
	initial := &crashFS{
		Root:  root,
		Dirs:  map[crashObj]map[string]crashObj{root: {"d": sub, "f": first}, sub: {}},
		Files: map[crashObj][]byte{first: []byte("0123456")},
	}
	live := initial.clone()
	next := first
	names := []string{"f", "g", "h"}
	var ops []crashOp
	for n := 1 + r.IntN(9); len(ops) < n; {
		dirs := slices.Sorted(maps.Keys(live.Dirs))
		d := dirs[r.IntN(len(dirs))]
		name := names[r.IntN(len(names))]
		obj := live.Dirs[d][name]
		_, isFile := live.Files[obj]
		var op crashOp
		switch k := r.IntN(8); {
		case k == 0 && obj == 0:
			next++
			op = crashOp{Kind: crashCreate, Dir: d, Name: name, Obj: next}
		case k == 1 && obj == 0 && len(live.Dirs) < 3:
			next++
			op = crashOp{Kind: crashMkdir, Dir: d, Name: name, Obj: next}
		case (k == 2 || k == 7) && isFile:
			// Each write its own letters, so that an overwrite shows.
			data := []byte(strings.Repeat(string(rune('a'+len(ops))), 1+r.IntN(9)))
			op = crashOp{Kind: crashWrite, Obj: obj, Off: int64(r.IntN(9)), Data: data}
		case k == 3 && obj != 0:
			op = crashOp{Kind: crashFsync, Obj: obj}
		case k == 4:
			op = crashOp{Kind: crashFsync, Obj: d}
		case k == 5 && isFile:
			d2 := dirs[r.IntN(len(dirs))]
			op = crashOp{Kind: crashRename, Dir: d, Name: name, Dir2: d2, Name2: names[r.IntN(len(names))], Obj: obj}
			if to := live.Dirs[d2][op.Name2]; to != 0 && live.Files[to] == nil {
				continue // never over a directory
			}
		case k == 6 && isFile:
			op = crashOp{Kind: crashUnlink, Dir: d, Name: name, Obj: obj}
		default:
			continue
		}
		rp := newCrashReplay(crashModel{BlockSize: 4}, live)
		if err := rp.apply(op); err != nil {
			panic(err) // the generator made an invalid operation
		}
		live = rp.live
		ops = append(ops, op)
	}
	return initial, ops
}

// oracleEffect is one thing a power cut may or may not have made durable.
type oracleEffect struct {
	obj     crashObj      // the directory or file it belongs to
	changes []entryChange // for a directory
	block   blockWrite    // for a file
	forced  bool          // a later fsync of obj made it durable
}

// oracleCrashStates returns the states a power cut after ops may leave, computed by brute force,
// or false if there are more than maxFree effects left free.
func oracleCrashStates(initial *crashFS, ops []crashOp, maxFree int) (map[string]bool, bool) {
	var effects []oracleEffect
	births := map[crashObj]crashOpKind{}
	liveSize := map[crashObj]int64{}
	for f, data := range initial.Files {
		liveSize[f] = int64(len(data))
	}
	for _, op := range ops {
		switch op.Kind {
		case crashCreate, crashMkdir:
			births[op.Obj] = op.Kind
			effects = append(effects, oracleEffect{obj: op.Dir, changes: []entryChange{{op.Name, op.Obj}}})
		case crashWrite:
			for i := range op.Data {
				// Blocks of 4, as the model's: split where the offset crosses a multiple of 4.
				off := op.Off + int64(i)
				if i == 0 || off%4 == 0 {
					end := min((off/4+1)*4, op.Off+int64(len(op.Data)))
					effects = append(effects, oracleEffect{obj: op.Obj, block: blockWrite{off, op.Data[i : end-op.Off]}})
				}
			}
			liveSize[op.Obj] = max(liveSize[op.Obj], op.Off+int64(len(op.Data)))
		case crashFsync:
			for i := range effects {
				if effects[i].obj == op.Obj {
					effects[i].forced = true
				}
			}
		case crashRename:
			if op.Dir == op.Dir2 {
				effects = append(effects, oracleEffect{obj: op.Dir, changes: []entryChange{{op.Name, 0}, {op.Name2, op.Obj}}})
			} else {
				effects = append(effects, oracleEffect{obj: op.Dir, changes: []entryChange{{op.Name, 0}}},
					oracleEffect{obj: op.Dir2, changes: []entryChange{{op.Name2, op.Obj}}})
			}
		case crashUnlink:
			effects = append(effects, oracleEffect{obj: op.Dir, changes: []entryChange{{op.Name, 0}}})
		}
	}
	var free []int
	for i, e := range effects {
		if !e.forced {
			free = append(free, i)
		}
	}
	if len(free) > maxFree {
		return nil, false
	}
	states := map[string]bool{}
	for mask := range 1 << len(free) {
		kept := map[int]bool{}
		for j, i := range free {
			kept[i] = mask&(1<<j) != 0
		}
		var unsynced []crashObj // files with a free block: their size at the cut may be durable
		for _, i := range free {
			if effects[i].changes == nil && !slices.Contains(unsynced, effects[i].obj) {
				unsynced = append(unsynced, effects[i].obj)
			}
		}
		for sizes := range 1 << len(unsynced) {
			s := initial.clone()
			for obj, kind := range births {
				if kind == crashCreate {
					s.Files[obj] = []byte{}
				} else {
					s.Dirs[obj] = map[string]crashObj{}
				}
			}
			for i, e := range effects {
				if !e.forced && !kept[i] {
					continue
				}
				for _, c := range e.changes {
					if c.Obj == 0 {
						delete(s.Dirs[e.obj], c.Name)
					} else {
						s.Dirs[e.obj][c.Name] = c.Obj
					}
				}
				if e.changes == nil {
					s.Files[e.obj] = writeAt(s.Files[e.obj], e.block.Off, e.block.Data)
				}
			}
			for j, f := range unsynced {
				if sizes&(1<<j) != 0 && int64(len(s.Files[f])) < liveSize[f] {
					s.Files[f] = writeAt(s.Files[f], liveSize[f], nil)
				}
			}
			states[canonicalCrashFS(s)] = true
		}
	}
	return states, true
}
