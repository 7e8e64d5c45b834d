//go:build unix

package atomicfs

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
)

// crashRecorder records, through the fault seam, the operations a write makes on the files under
// one root directory, as a trace for the crash-state model. Every seam function is wrapped: the
// real call is made, and if it changed what a power cut can leave, a trace entry is appended. Files
// and directories are identified by device and inode, so the trace names objects, not paths; an
// inode seen again after it was replaced (inode numbers are reused) is a new object, since only a
// create or mkdir brings an inode into the trace.
type crashRecorder struct {
	root string

	mu      sync.Mutex // the read-back may run beside the fsync, in another goroutine
	objs    map[fileID]crashObj
	next    crashObj
	initial *crashFS
	ops     []crashOp
	errs    []error // what could not be recorded: the trace is then incomplete, and the test fails
}

type fileID struct{ dev, ino uint64 }

func fileIDOf(fi fs.FileInfo) fileID {
	st := fi.Sys().(*syscall.Stat_t)
	return fileID{uint64(st.Dev), uint64(st.Ino)}
}

// newCrashRecorder snapshots the tree under root as the model's durable initial state.
func newCrashRecorder(root string) (*crashRecorder, error) {
	r := &crashRecorder{root: root, objs: map[fileID]crashObj{}}
	s, err := r.snapshot(true)
	if err != nil {
		return nil, err
	}
	r.initial = s
	return r, nil
}

// snapshot reads the tree under root as a model state. With assign, objects are given to the
// inodes found; without, the objects already known are used (and a new inode is an error).
func (r *crashRecorder) snapshot(assign bool) (*crashFS, error) {
	s := &crashFS{Dirs: map[crashObj]map[string]crashObj{}, Files: map[crashObj][]byte{}}
	obj := func(fi fs.FileInfo, path string) (crashObj, error) {
		id := fileIDOf(fi)
		if o, ok := r.objs[id]; ok {
			return o, nil
		}
		if !assign {
			return 0, fmt.Errorf("%s: an inode the trace never created", path)
		}
		r.next++
		r.objs[id] = r.next
		return r.next, nil
	}
	err := filepath.WalkDir(r.root, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := os.Lstat(path)
		if err != nil {
			return err
		}
		o, err := obj(fi, path)
		if err != nil {
			return err
		}
		switch {
		case fi.IsDir():
			s.Dirs[o] = map[string]crashObj{}
		case fi.Mode().IsRegular():
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			s.Files[o] = data
		default:
			return fmt.Errorf("%s: the model has only files and directories, not %v", path, fi.Mode().Type())
		}
		if path == r.root {
			s.Root = o
			return nil
		}
		parent, err := os.Lstat(filepath.Dir(path))
		if err != nil {
			return err
		}
		s.Dirs[r.objs[fileIDOf(parent)]][e.Name()] = o
		return nil
	})
	return s, err
}

func (r *crashRecorder) failf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Errorf(format, args...))
}

// known returns the object of an inode already in the trace.
func (r *crashRecorder) known(fi fs.FileInfo, what string) (crashObj, bool) {
	o, ok := r.objs[fileIDOf(fi)]
	if !ok {
		r.failf("%s: not a file or directory under %s that the trace knows", what, r.root)
	}
	return o, ok
}

// created records a new file or directory fi, named name in the directory dir.
func (r *crashRecorder) created(kind crashOpKind, dir fs.FileInfo, name string, fi fs.FileInfo) {
	r.mu.Lock()
	defer r.mu.Unlock()
	d, ok := r.known(dir, "the directory of "+name)
	if !ok {
		return
	}
	r.next++
	r.objs[fileIDOf(fi)] = r.next
	r.ops = append(r.ops, crashOp{Kind: kind, Dir: d, Name: name, Obj: r.next})
}

// wrote records the write of data at off into the file fi.
func (r *crashRecorder) wrote(fi fs.FileInfo, off int64, data []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if o, ok := r.known(fi, "write to "+fi.Name()); ok {
		r.ops = append(r.ops, crashOp{Kind: crashWrite, Obj: o, Off: off, Data: bytes.Clone(data)})
	}
}

// synced records an fsync of the file or directory fi.
func (r *crashRecorder) synced(fi fs.FileInfo) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if o, ok := r.known(fi, "fsync of "+fi.Name()); ok {
		r.ops = append(r.ops, crashOp{Kind: crashFsync, Obj: o})
	}
}

// renamed records the rename of the object fi from dir/name to dir2/name2.
func (r *crashRecorder) renamed(dir fs.FileInfo, name string, dir2 fs.FileInfo, name2 string, fi fs.FileInfo) {
	r.mu.Lock()
	defer r.mu.Unlock()
	d, ok1 := r.known(dir, "the directory of "+name)
	d2, ok2 := r.known(dir2, "the directory of "+name2)
	o, ok3 := r.known(fi, "rename of "+name)
	if ok1 && ok2 && ok3 {
		r.ops = append(r.ops, crashOp{Kind: crashRename, Dir: d, Name: name, Dir2: d2, Name2: name2, Obj: o})
	}
}

// trace returns the recorded operations, or an error if something could not be recorded or if
// the model, replaying them, does not arrive at the tree that is really on disk now: an
// operation that bypassed the seam (an unrecorded mkdir, remove or write) shows here.
func (r *crashRecorder) trace() ([]crashOp, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.errs) > 0 {
		return nil, fmt.Errorf("recording the trace: %w", r.errs[0])
	}
	replay := newCrashReplay(defaultCrashModel, r.initial)
	for i, op := range r.ops {
		if err := replay.apply(op); err != nil {
			return nil, fmt.Errorf("replaying the trace: operation %d: %w", i, err)
		}
	}
	real, err := r.snapshot(false)
	if err != nil {
		return nil, fmt.Errorf("the tree after the call: %w", err)
	}
	if diff := diffCrashFS(replay.live, real, real.Root, "."); diff != "" {
		return nil, fmt.Errorf("the trace, replayed, does not give the tree on disk: %s", diff)
	}
	return slices.Clone(r.ops), nil
}

// diffCrashFS describes the first difference between the trees of directory d in two states
// (with the same objects), or returns "".
func diffCrashFS(a, b *crashFS, d crashObj, path string) string {
	ea, eb := a.Dirs[d], b.Dirs[d]
	for _, name := range slices.Sorted(maps.Keys(ea)) {
		oa, ob := ea[name], eb[name]
		p := filepath.Join(path, name)
		da, aFile := a.Files[oa]
		db, bFile := b.Files[ob]
		switch {
		case ob == 0:
			return p + " is in the model, not on disk"
		case oa != ob:
			return fmt.Sprintf("%s is object #%d in the model, #%d on disk", p, oa, ob)
		case aFile != bFile:
			return p + " is a file in one, a directory in the other"
		case aFile && !bytes.Equal(da, db):
			return fmt.Sprintf("%s holds %q in the model, %q on disk", p, clip(da), clip(db))
		case !aFile:
			if diff := diffCrashFS(a, b, oa, p); diff != "" {
				return diff
			}
		}
	}
	for name := range eb {
		if ea[name] == 0 {
			return filepath.Join(path, name) + " is on disk, not in the model"
		}
	}
	return ""
}

// removed records the removal of the entry name, the object fi, from the directory dir.
func (r *crashRecorder) removed(dir fs.FileInfo, name string, fi fs.FileInfo) {
	r.mu.Lock()
	defer r.mu.Unlock()
	d, ok1 := r.known(dir, "the directory of "+name)
	o, ok2 := r.known(fi, "removal of "+name)
	if ok1 && ok2 {
		r.ops = append(r.ops, crashOp{Kind: crashUnlink, Dir: d, Name: name, Obj: o})
	}
}

// wrap makes o record into r. Every call is made for real; what it changes is recorded after it
// succeeds.
func (r *crashRecorder) wrap(o *fileOps) {
	real := *o
	o.openFile = func(d *directory, name string, flag int, perm fs.FileMode) (*os.File, error) {
		_, statErr := os.Lstat(d.join(name))
		f, err := real.openFile(d, name, flag, perm)
		if err != nil {
			return f, err
		}
		switch {
		case flag&os.O_TRUNC != 0:
			r.failf("open %s: O_TRUNC is not in the model", d.join(name))
		case flag&os.O_CREATE != 0 && statErr != nil:
			dir, derr := os.Stat(d.path)
			fi, ferr := f.Stat()
			if derr != nil || ferr != nil {
				r.failf("open %s: %v %v", d.join(name), derr, ferr)
				break
			}
			r.created(crashCreate, dir, name, fi)
		}
		return f, err
	}
	o.mkdir = func(d *directory, name string, perm fs.FileMode) error {
		err := real.mkdir(d, name, perm)
		if err == nil {
			dir, derr := os.Stat(d.path)
			fi, ferr := os.Lstat(d.join(name))
			if derr != nil || ferr != nil {
				r.failf("mkdir %s: %v %v", d.join(name), derr, ferr)
				return err
			}
			r.created(crashMkdir, dir, name, fi)
		}
		return err
	}
	o.remove = func(d *directory, name string) error {
		fi, lerr := os.Lstat(d.join(name))
		err := real.remove(d, name)
		if err == nil {
			dir, derr := os.Stat(d.path)
			if lerr != nil || derr != nil {
				r.failf("remove %s: %v %v", d.join(name), lerr, derr)
				return err
			}
			r.removed(dir, name, fi)
		}
		return err
	}
	o.write = func(f *os.File, p []byte) (int, error) {
		off, serr := f.Seek(0, io.SeekCurrent)
		n, err := real.write(f, p)
		fi, ferr := f.Stat()
		if serr != nil || ferr != nil {
			r.failf("write %s: %v %v", f.Name(), serr, ferr)
			return n, err
		}
		if n > 0 {
			r.wrote(fi, off, p[:n])
		}
		return n, err
	}
	o.sync = func(f *os.File) error {
		err := real.sync(f)
		if err == nil {
			if fi, ferr := f.Stat(); ferr != nil {
				r.failf("fsync %s: %v", f.Name(), ferr)
			} else {
				r.synced(fi)
			}
		}
		return err
	}
	o.rename = func(d *directory, oldname, newname string) error {
		fi, lerr := os.Lstat(d.join(oldname))
		err := real.rename(d, oldname, newname)
		if err == nil {
			dir, derr := os.Stat(d.path)
			if lerr != nil || derr != nil {
				r.failf("rename %s: %v %v", d.join(oldname), lerr, derr)
				return err
			}
			r.renamed(dir, oldname, dir, newname, fi)
		}
		return err
	}
	o.syncDir = func(d *directory, f *os.File) error {
		err := real.syncDir(d, f)
		if err == nil {
			if fi, serr := os.Stat(d.path); serr != nil {
				r.failf("fsync %s: %v", d.path, serr)
			} else {
				r.synced(fi)
			}
		}
		return err
	}
}
