package atomicfs

import (
	"fmt"
	"hash/maphash"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
)

// This file is a model of what a power cut may leave on disk of a sequence of file system
// operations, in the manner of SQLite's crash-test VFS and of ALICE's abstract persistence model
// (Pillai et al., OSDI'14). A trace of operations (recorded through the fault seam by the
// recorder) is replayed from a durable initial state; for every prefix of the trace — a power cut
// after each operation — the model enumerates the on-disk states that a conservative file system
// may leave:
//
//   - the data written to a file since its last fsync is lost, kept, or kept in part: any subset
//     of its blocks (once there are too many blocks for all subsets: the prefixes, the single
//     holes and a fixed sample of random subsets),
//     with the file's size either what the kept blocks reach or the size at the cut (the size
//     made durable ahead of the data, the rest reading as zeros);
//   - the entry operations made in a directory since its last fsync (create, mkdir, rename,
//     unlink) are each lost or kept, in any combination: nothing orders them but fsync;
//   - fsync of a file makes its data durable, not its name; fsync of a directory makes the
//     operations on its entries durable, not the data of the files they name.
//
// A rename within one directory is atomic (both its entries or neither); a rename between two
// directories is two independent halves, one in each directory, each durable with an fsync of
// its own directory. Files, directories and symbolic links are the model's objects, numbered by
// the recorder: an object is what an inode is, so that a name that is replaced or removed and made
// again is a new object. What is not modeled: metadata (mode, owner, xattrs: made durable with
// the file's fsync, and not what the checks are about), hard links, a directory's own fsync of a
// search-only descriptor (syncfs), and sizes made durable ahead of data at other sizes than the
// last.

// crashObj names a file, directory or link of the model; 0 names none.
type crashObj int

// crashOpKind is the kind of a traced operation.
type crashOpKind uint8

const (
	crashCreate crashOpKind = iota + 1 // new empty file Obj, named Name in directory Dir
	crashMkdir                         // new empty directory Obj, named Name in directory Dir
	crashWrite                         // Data written into file Obj at offset Off
	crashFsync                         // fsync of Obj: a file's data, or a directory's entries
	crashRename                        // Obj moved from Dir/Name to Dir2/Name2, replacing what that named
	crashUnlink                        // the entry Dir/Name, which named Obj, removed
)

var crashOpNames = map[crashOpKind]string{
	crashCreate: "create", crashMkdir: "mkdir", crashWrite: "write",
	crashFsync: "fsync", crashRename: "rename", crashUnlink: "unlink",
}

func (k crashOpKind) String() string {
	if s, ok := crashOpNames[k]; ok {
		return s
	}
	return fmt.Sprintf("crashOpKind(%d)", k)
}

// crashOp is one traced operation; which fields count depends on Kind.
type crashOp struct {
	Kind  crashOpKind
	Obj   crashObj
	Dir   crashObj
	Name  string
	Dir2  crashObj
	Name2 string
	Off   int64
	Data  []byte
	// Path and Path2 are the file or directory the call named, as the process named it (the
	// rename's source and destination): for messages, and to compare the trace with the system
	// calls that strace sees. The model itself goes by objects only.
	Path, Path2 string
}

func (op crashOp) String() string {
	switch op.Kind {
	case crashCreate, crashMkdir, crashUnlink:
		return fmt.Sprintf("%v #%d/%s (#%d)", op.Kind, op.Dir, op.Name, op.Obj)
	case crashWrite:
		return fmt.Sprintf("write #%d [%d,%d)", op.Obj, op.Off, op.Off+int64(len(op.Data)))
	case crashFsync:
		return fmt.Sprintf("fsync #%d", op.Obj)
	case crashRename:
		return fmt.Sprintf("rename #%d/%s -> #%d/%s (#%d)", op.Dir, op.Name, op.Dir2, op.Name2, op.Obj)
	}
	return op.Kind.String()
}

// crashFS is one state of the model's file system: the entries of every directory, the content
// of every file and the target of every symbolic link, by object. Object 1 is not special; Root
// says where paths start. Links are part of the initial state only (no traced operation makes
// one), and only relative ones: the model has no tree above its root.
type crashFS struct {
	Root  crashObj
	Dirs  map[crashObj]map[string]crashObj
	Files map[crashObj][]byte
	Links map[crashObj]string
}

func (s *crashFS) clone() *crashFS {
	c := &crashFS{Root: s.Root, Dirs: make(map[crashObj]map[string]crashObj, len(s.Dirs)), Files: maps.Clone(s.Files), Links: s.Links}
	for d, entries := range s.Dirs {
		c.Dirs[d] = maps.Clone(entries)
	}
	return c
}

// lookup follows the slash-separated path from the root as the kernel's path walk does: symbolic
// links are followed wherever they are (the last element included) and ".." goes to the parent
// of the directory actually reached, not of the name written. It returns the object the path
// names, or 0 if some component is missing, not a directory, or a loop.
func (s *crashFS) lookup(path string) crashObj {
	_, obj := s.walk([]crashObj{s.Root}, path, 0)
	return obj
}

// walk resolves path from the directory at the end of stack (the directories from the root to
// it) and returns the result and the stack of the directory that holds it.
func (s *crashFS) walk(stack []crashObj, path string, links int) ([]crashObj, crashObj) {
	stack = slices.Clone(stack)
	elems := strings.Split(path, "/")
	for i, name := range elems {
		last := i == len(elems)-1
		switch name {
		case "", ".":
			if last {
				return parentStack(stack), stack[len(stack)-1]
			}
			continue
		case "..":
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
			if last {
				return parentStack(stack), stack[len(stack)-1]
			}
			continue
		}
		obj := s.Dirs[stack[len(stack)-1]][name]
		if obj == 0 {
			return nil, 0
		}
		holder := stack
		if target, ok := s.Links[obj]; ok {
			if links >= crashMaxLinks || strings.HasPrefix(target, "/") {
				return nil, 0
			}
			if holder, obj = s.walk(stack, target, links+1); obj == 0 {
				return nil, 0
			}
		}
		if last {
			return holder, obj
		}
		if _, ok := s.Dirs[obj]; !ok {
			return nil, 0
		}
		stack = append(slices.Clone(holder), obj)
	}
	return nil, 0 // not reached: a path has at least one element
}

// crashMaxLinks is how many symbolic links a lookup follows, as Linux does for one path walk.
const crashMaxLinks = 40

// lookupEntry is lookup without following a link in the last element: the entry itself.
func (s *crashFS) lookupEntry(path string) crashObj {
	dir, base := ".", path
	if i := strings.LastIndex(path, "/"); i >= 0 {
		dir, base = path[:i], path[i+1:]
	}
	d := s.lookup(dir)
	if _, ok := s.Dirs[d]; !ok || base == "" || base == "." || base == ".." {
		return 0
	}
	return s.Dirs[d][base]
}

// parentStack is the stack of the parent of the directory at the end of stack; the root is its
// own parent.
func parentStack(stack []crashObj) []crashObj {
	if len(stack) > 1 {
		return stack[:len(stack)-1]
	}
	return stack
}

// crashModel says how finely the model splits un-fsynced data.
type crashModel struct {
	// BlockSize is the unit in which un-fsynced data persists or not.
	BlockSize int
	// MaxSubsetBlocks is the most un-fsynced blocks of one file for which every subset is tried;
	// above it, the prefixes (in write order), the "all but one" subsets and RandomSubsets
	// random subsets (the same ones in every run) are.
	MaxSubsetBlocks int
	RandomSubsets   int
	// MaxDirOps is the most un-fsynced entry operations of one directory the model accepts (every
	// subset is tried); a trace with more is an error, not a silently partial check.
	MaxDirOps int
	// MaxStates bounds the states of one power cut; a trace with more is an error.
	MaxStates int
}

// entryChange is one durable effect of an entry operation: Name in a directory now names Obj
// (0: the entry is gone).
type entryChange struct {
	Name string
	Obj  crashObj
}

// dirChange is what one entry operation does to one directory; it persists whole or not at all.
type dirChange []entryChange

// blockWrite is one block's worth of an un-fsynced write.
type blockWrite struct {
	Off  int64
	Data []byte
}

// crashReplay is the model after a prefix of a trace: what is durable, what is not yet, and the
// state every process sees (the page cache).
type crashReplay struct {
	m       crashModel
	durable *crashFS
	live    *crashFS
	dirOps  map[crashObj][]dirChange  // per directory, its entry operations since its last fsync
	dataOps map[crashObj][]blockWrite // per file, its blocks written since its last fsync
	applied int                       // operations replayed
}

func newCrashReplay(m crashModel, initial *crashFS) *crashReplay {
	return &crashReplay{
		m:       m,
		durable: initial.clone(),
		live:    initial.clone(),
		dirOps:  map[crashObj][]dirChange{},
		dataOps: map[crashObj][]blockWrite{},
	}
}

// apply replays one operation. An operation that does not fit the state (a name that is not
// there, an object that does not exist) is an error: the trace or the recorder is wrong.
func (r *crashReplay) apply(op crashOp) error {
	live := r.live
	dir := func(d crashObj) (map[string]crashObj, error) {
		entries, ok := live.Dirs[d]
		if !ok {
			return nil, fmt.Errorf("%v: #%d is not a directory", op, d)
		}
		return entries, nil
	}
	switch op.Kind {
	case crashCreate, crashMkdir:
		entries, err := dir(op.Dir)
		if err != nil {
			return err
		}
		if entries[op.Name] != 0 {
			return fmt.Errorf("%v: the name exists (#%d)", op, entries[op.Name])
		}
		if _, ok := live.Files[op.Obj]; ok || live.Dirs[op.Obj] != nil || live.Links[op.Obj] != "" || op.Obj == 0 {
			return fmt.Errorf("%v: the object is not new", op)
		}
		entries[op.Name] = op.Obj
		// The object itself exists on disk at once (an inode, empty); only its name waits for an
		// fsync of its directory.
		if op.Kind == crashCreate {
			live.Files[op.Obj], r.durable.Files[op.Obj] = []byte{}, []byte{}
		} else {
			live.Dirs[op.Obj], r.durable.Dirs[op.Obj] = map[string]crashObj{}, map[string]crashObj{}
		}
		r.dirOps[op.Dir] = append(r.dirOps[op.Dir], dirChange{{op.Name, op.Obj}})
	case crashWrite:
		data, ok := live.Files[op.Obj]
		if !ok {
			return fmt.Errorf("%v: #%d is not a file", op, op.Obj)
		}
		if op.Off < 0 {
			return fmt.Errorf("%v: negative offset", op)
		}
		live.Files[op.Obj] = writeAt(data, op.Off, op.Data)
		bs := int64(r.m.BlockSize)
		for off := op.Off; off < op.Off+int64(len(op.Data)); {
			end := min((off/bs+1)*bs, op.Off+int64(len(op.Data)))
			r.dataOps[op.Obj] = append(r.dataOps[op.Obj], blockWrite{off, op.Data[off-op.Off : end-op.Off]})
			off = end
		}
	case crashFsync:
		if data, ok := live.Files[op.Obj]; ok {
			r.durable.Files[op.Obj] = data
			delete(r.dataOps, op.Obj)
		} else if entries, ok := live.Dirs[op.Obj]; ok {
			r.durable.Dirs[op.Obj] = maps.Clone(entries)
			delete(r.dirOps, op.Obj)
		} else {
			return fmt.Errorf("%v: no such object", op)
		}
	case crashRename:
		from, err := dir(op.Dir)
		if err != nil {
			return err
		}
		to, err := dir(op.Dir2)
		if err != nil {
			return err
		}
		if from[op.Name] != op.Obj || op.Obj == 0 {
			return fmt.Errorf("%v: the source names #%d", op, from[op.Name])
		}
		if op.Dir == op.Dir2 && op.Name == op.Name2 {
			return nil // rename(2) of a name onto itself does nothing
		}
		delete(from, op.Name)
		to[op.Name2] = op.Obj
		if op.Dir == op.Dir2 {
			r.dirOps[op.Dir] = append(r.dirOps[op.Dir], dirChange{{op.Name, 0}, {op.Name2, op.Obj}})
		} else {
			r.dirOps[op.Dir] = append(r.dirOps[op.Dir], dirChange{{op.Name, 0}})
			r.dirOps[op.Dir2] = append(r.dirOps[op.Dir2], dirChange{{op.Name2, op.Obj}})
		}
	case crashUnlink:
		entries, err := dir(op.Dir)
		if err != nil {
			return err
		}
		if entries[op.Name] != op.Obj || op.Obj == 0 {
			return fmt.Errorf("%v: the name names #%d", op, entries[op.Name])
		}
		delete(entries, op.Name)
		r.dirOps[op.Dir] = append(r.dirOps[op.Dir], dirChange{{op.Name, 0}})
	default:
		return fmt.Errorf("%v: unknown operation", op)
	}
	r.applied++
	return nil
}

// writeAt returns data with b written at off, extended (with zeros up to off) as needed; data
// itself is never modified, since states share it.
func writeAt(data []byte, off int64, b []byte) []byte {
	out := make([]byte, max(int64(len(data)), off+int64(len(b))))
	copy(out, data)
	copy(out[off:], b)
	return out
}

// crashDimension is one independent choice a power cut makes: which of a directory's pending
// entry operations, or which version of a file's data, reached the disk.
type crashDimension struct {
	dir   crashObj
	dirs  [][]dirChange // for a directory: the subsets of its pending changes, in trace order
	file  crashObj
	files []fileVersion // for a file: the versions of distinct content it may hold
}

func (d crashDimension) len() int { return max(len(d.dirs), len(d.files)) }

// fileVersion is one content a file may hold after a power cut: its durable content with the
// un-fsynced blocks Blocks (indexes into its pending blocks) on top, and the size they reach or,
// with Full, the size at the cut. Versions are built when a state needs them, one at a time: a
// large file has hundreds.
type fileVersion struct {
	Blocks []int
	Full   bool
}

// dimensions lists the choices of a power cut now, in a fixed order.
func (r *crashReplay) dimensions() ([]crashDimension, error) {
	var dims []crashDimension
	for _, d := range slices.Sorted(maps.Keys(r.dirOps)) {
		pending := r.dirOps[d]
		if len(pending) > r.m.MaxDirOps {
			return nil, fmt.Errorf("directory #%d has %d un-fsynced entry operations, more than the model's %d", d, len(pending), r.m.MaxDirOps)
		}
		dim := crashDimension{dir: d}
		for mask := range 1 << len(pending) {
			var kept []dirChange
			for i, c := range pending {
				if mask&(1<<i) != 0 {
					kept = append(kept, c)
				}
			}
			dim.dirs = append(dim.dirs, kept)
		}
		dims = append(dims, dim)
	}
	for _, f := range slices.Sorted(maps.Keys(r.dataOps)) {
		dims = append(dims, crashDimension{file: f, files: r.fileVersions(f)})
	}
	return dims, nil
}

// fileVersions returns the versions of distinct content file f may hold after a power cut now.
func (r *crashReplay) fileVersions(f crashObj) []fileVersion {
	blocks := r.dataOps[f]
	var subsets [][]int
	if len(blocks) <= r.m.MaxSubsetBlocks {
		for mask := range 1 << len(blocks) {
			var s []int
			for i := range blocks {
				if mask&(1<<i) != 0 {
					s = append(s, i)
				}
			}
			subsets = append(subsets, s)
		}
	} else {
		all := make([]int, len(blocks))
		for i := range all {
			all[i] = i
		}
		for n := range len(blocks) + 1 {
			subsets = append(subsets, all[:n:n])
		}
		for hole := range len(blocks) - 1 { // all but the last is a prefix already
			subsets = append(subsets, slices.Delete(slices.Clone(all), hole, hole+1))
		}
		rnd := rand.New(rand.NewPCG(uint64(f), uint64(len(blocks))))
		for range r.m.RandomSubsets {
			var s []int
			for i := range blocks {
				if rnd.IntN(2) == 1 {
					s = append(s, i)
				}
			}
			subsets = append(subsets, s)
		}
	}
	// Distinct by content, compared by hash so that only one version is in memory at a time.
	seed := maphash.MakeSeed()
	seen := map[uint64]bool{}
	var versions []fileVersion
	for _, s := range subsets {
		for _, full := range []bool{false, true} {
			v := fileVersion{s, full}
			data := r.buildVersion(f, v)
			if full && len(data) == len(r.buildVersion(f, fileVersion{s, false})) {
				continue // the kept blocks reach the size at the cut already
			}
			if h := maphash.Bytes(seed, data); !seen[h] {
				seen[h] = true
				versions = append(versions, v)
			}
		}
	}
	return versions
}

// buildVersion returns the content of version v of file f.
func (r *crashReplay) buildVersion(f crashObj, v fileVersion) []byte {
	base, blocks := r.durable.Files[f], r.dataOps[f]
	end := int64(len(base))
	for _, i := range v.Blocks {
		end = max(end, blocks[i].Off+int64(len(blocks[i].Data)))
	}
	if v.Full {
		end = max(end, int64(len(r.live.Files[f]))) // the size is durable, the missing data reads as zeros
	}
	// One buffer per version: the blocks are large files' hundreds, and a copy per block would be
	// quadratic.
	data := make([]byte, end)
	copy(data, base)
	for _, i := range v.Blocks {
		copy(data[blocks[i].Off:], blocks[i].Data)
	}
	return data
}

// crashStates calls visit with every state a power cut may leave now (the states share file
// data: visit must not modify it) and returns how many there were.
func (r *crashReplay) crashStates(visit func(*crashFS)) (int, error) {
	dims, err := r.dimensions()
	if err != nil {
		return 0, err
	}
	total := 1
	for _, d := range dims {
		total *= d.len()
		if total > r.m.MaxStates {
			return 0, fmt.Errorf("a power cut after %d operations has more than %d states", r.applied, r.m.MaxStates)
		}
	}
	choice := make([]int, len(dims))
	built := make([]int, len(dims)) // which version of a file dimension data holds
	data := make([][]byte, len(dims))
	for i := range built {
		built[i] = -1
	}
	for range total {
		s := r.durable.clone()
		for i, d := range dims {
			if d.dirs != nil {
				entries := s.Dirs[d.dir]
				for _, c := range d.dirs[choice[i]] {
					for _, e := range c {
						if e.Obj == 0 {
							delete(entries, e.Name)
						} else {
							entries[e.Name] = e.Obj
						}
					}
				}
			} else {
				if built[i] != choice[i] {
					data[i], built[i] = r.buildVersion(d.file, d.files[choice[i]]), choice[i]
				}
				s.Files[d.file] = data[i]
			}
		}
		visit(s)
		for i := range choice { // the next combination, as an odometer
			if choice[i]++; choice[i] < dims[i].len() {
				break
			}
			choice[i] = 0
		}
	}
	return total, nil
}

// crashEnumerate replays ops from the durable state initial and calls visit with every state a
// power cut may leave at every point: before the first operation (point 0) and after each one
// (point i after ops[i-1]). It returns the number of states of each point.
func crashEnumerate(m crashModel, initial *crashFS, ops []crashOp, visit func(point int, s *crashFS)) ([]int, error) {
	r := newCrashReplay(m, initial)
	counts := make([]int, 0, len(ops)+1)
	for point := 0; ; point++ {
		n, err := r.crashStates(func(s *crashFS) { visit(point, s) })
		if err != nil {
			return nil, err
		}
		counts = append(counts, n)
		if point == len(ops) {
			return counts, nil
		}
		if err := r.apply(ops[point]); err != nil {
			return nil, fmt.Errorf("operation %d: %w", point, err)
		}
	}
}
