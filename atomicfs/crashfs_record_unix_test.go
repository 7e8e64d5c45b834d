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

	"golang.org/x/sys/unix"
)

// defaultCrashModel is the model the recorded traces are checked against.
var defaultCrashModel = crashModel{BlockSize: 4096, MaxSubsetBlocks: 8, MaxDirOps: 12, MaxStates: 1 << 16}

// crashRecorder records, through the fault seam, the operations a write makes on the files under
// one root directory, as a trace for the crash-state model. Every seam function that can change
// what a power cut leaves is wrapped (TestCrashRecorderCoversTheSeam keeps that list complete):
// the real call is made, and if it changed something, a trace entry is appended. Files
// and directories are identified by device and inode, so the trace names objects, not paths; an
// inode seen again after it was replaced (inode numbers are reused) is a new object, since only a
// create or mkdir brings an inode into the trace.
type crashRecorder struct {
	root string

	mu      sync.Mutex // held through each recorded call: the read-back may run in another goroutine
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
	s := &crashFS{Dirs: map[crashObj]map[string]crashObj{}, Files: map[crashObj][]byte{}, Links: map[crashObj]string{}}
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
		case fi.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(path)
			if err != nil {
				return err
			}
			if filepath.IsAbs(target) {
				return fmt.Errorf("%s: the model follows relative links only, not %s", path, target)
			}
			s.Links[o] = target
		default:
			return fmt.Errorf("%s: the model has only files, directories and links, not %v", path, fi.Mode().Type())
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

// failf notes what could not be recorded.
func (r *crashRecorder) failf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Errorf(format, args...))
}

// object returns the object of an inode already in the trace.
func (r *crashRecorder) object(id fileID, what string) (crashObj, bool) {
	o, ok := r.objs[id]
	if !ok {
		r.failf("%s: not a file or directory under %s that the trace knows", what, r.root)
	}
	return o, ok
}

// record appends op once its objects are known; a missing one makes the trace fail.
func (r *crashRecorder) record(op crashOp, oks ...bool) {
	if !slices.Contains(oks, false) {
		r.ops = append(r.ops, op)
	}
}

// statID returns the identity of the file or directory open as fd.
func statID(fd int) (fileID, error) {
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return fileID{}, err
	}
	return fileID{uint64(st.Dev), uint64(st.Ino)}, nil
}

// entryID returns the identity of the entry name of d, without following a link, looked up
// relative to d's descriptor as the calls under test look it up.
func entryID(d *directory, name string) (fileID, error) {
	var st unix.Stat_t
	if err := unix.Fstatat(d.fd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return fileID{}, &fs.PathError{Op: "fstatat", Path: d.join(name), Err: err}
	}
	return fileID{uint64(st.Dev), uint64(st.Ino)}, nil
}

func fileFD(f *os.File) int { return int(f.Fd()) }

// entryPath is the path of the entry name of d for the trace: from where the kernel has d, if it
// can be told, else from the name the write path gives d.
func entryPath(d *directory, name string) string {
	if p := kernelPath(d.fd); p != "" {
		return filepath.Join(p, name)
	}
	return d.join(name)
}

// dirPath is the path of d for the trace, as entryPath.
func dirPath(d *directory) string {
	if p := kernelPath(d.fd); p != "" {
		return p
	}
	return d.path
}

// filePath is the path of the open file f for the trace, as entryPath.
func filePath(f *os.File) string {
	if p := kernelPath(fileFD(f)); p != "" {
		return p
	}
	return f.Name()
}

// wrap makes o record into r. Every call is made for real; what it changes is recorded after it
// succeeds. Directories are identified through their descriptors (what the kernel uses), entries
// by an fstatat relative to them just before (a removal, a rename) or after (a creation) the call.
// The calls that change nothing a power cut could leave (openDir, readAt, an open that creates
// nothing) are passed through.
func (r *crashRecorder) wrap(o *fileOps) {
	real := *o
	o.openFile = func(d *directory, name string, flag int, perm fs.FileMode) (*os.File, error) {
		r.mu.Lock()
		defer r.mu.Unlock()
		_, lookupErr := entryID(d, name) // an error: the entry is not there yet
		f, err := real.openFile(d, name, flag, perm)
		if err != nil {
			return f, err
		}
		switch {
		case flag&os.O_TRUNC != 0:
			r.failf("open %s: O_TRUNC is not in the model", d.join(name))
		case flag&os.O_CREATE != 0 && lookupErr != nil:
			dir, derr := statID(d.fd)
			id, ferr := statID(fileFD(f))
			if derr != nil || ferr != nil {
				r.failf("open %s: %v %v", d.join(name), derr, ferr)
				break
			}
			dobj, ok := r.object(dir, "the directory of "+d.join(name))
			r.next++
			r.objs[id] = r.next
			r.record(crashOp{Kind: crashCreate, Dir: dobj, Name: name, Obj: r.next, Path: entryPath(d, name)}, ok)
		}
		return f, err
	}
	o.mkdir = func(d *directory, name string, perm fs.FileMode) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		err := real.mkdir(d, name, perm)
		if err == nil {
			dir, derr := statID(d.fd)
			id, ierr := entryID(d, name)
			if derr != nil || ierr != nil {
				r.failf("mkdir %s: %v %v", d.join(name), derr, ierr)
				return err
			}
			dobj, ok := r.object(dir, "the directory of "+d.join(name))
			r.next++
			r.objs[id] = r.next
			r.record(crashOp{Kind: crashMkdir, Dir: dobj, Name: name, Obj: r.next, Path: entryPath(d, name)}, ok)
		}
		return err
	}
	o.remove = func(d *directory, name string) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		id, ierr := entryID(d, name)
		err := real.remove(d, name)
		if err == nil {
			dir, derr := statID(d.fd)
			if ierr != nil || derr != nil {
				r.failf("remove %s: %v %v", d.join(name), ierr, derr)
				return err
			}
			dobj, ok1 := r.object(dir, "the directory of "+d.join(name))
			obj, ok2 := r.object(id, "remove "+d.join(name))
			r.record(crashOp{Kind: crashUnlink, Dir: dobj, Name: name, Obj: obj, Path: entryPath(d, name)}, ok1, ok2)
		}
		return err
	}
	o.write = func(f *os.File, p []byte) (int, error) {
		r.mu.Lock()
		defer r.mu.Unlock()
		off, serr := f.Seek(0, io.SeekCurrent)
		n, err := real.write(f, p)
		id, ierr := statID(fileFD(f))
		if serr != nil || ierr != nil {
			r.failf("write %s: %v %v", f.Name(), serr, ierr)
			return n, err
		}
		if n > 0 {
			obj, ok := r.object(id, "write "+f.Name())
			r.record(crashOp{Kind: crashWrite, Obj: obj, Off: off, Data: bytes.Clone(p[:n]), Path: filePath(f)}, ok)
		}
		return n, err
	}
	o.sync = func(f *os.File) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		err := real.sync(f)
		if err == nil {
			id, ierr := statID(fileFD(f))
			if ierr != nil {
				r.failf("fsync %s: %v", f.Name(), ierr)
				return err
			}
			obj, ok := r.object(id, "fsync "+f.Name())
			r.record(crashOp{Kind: crashFsync, Obj: obj, Path: filePath(f)}, ok)
		}
		return err
	}
	o.rename = func(d *directory, oldname, newname string) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		id, ierr := entryID(d, oldname)
		err := real.rename(d, oldname, newname)
		if err == nil {
			dir, derr := statID(d.fd)
			if ierr != nil || derr != nil {
				r.failf("rename %s: %v %v", d.join(oldname), ierr, derr)
				return err
			}
			dobj, ok1 := r.object(dir, "the directory of "+d.join(oldname))
			obj, ok2 := r.object(id, "rename "+d.join(oldname))
			r.record(crashOp{Kind: crashRename, Dir: dobj, Name: oldname, Dir2: dobj, Name2: newname, Obj: obj,
				Path: entryPath(d, oldname), Path2: entryPath(d, newname)}, ok1, ok2)
		}
		return err
	}
	o.syncDir = func(d *directory, f *os.File) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		if d.pathOnly {
			// Flushed through f with syncfs: the model would have to make everything durable.
			r.failf("fsync %s: a directory opened for search only is not in the model", d.path)
		}
		err := real.syncDir(d, f)
		if err == nil {
			dir, derr := statID(d.fd)
			if derr != nil {
				r.failf("fsync %s: %v", d.path, derr)
				return err
			}
			obj, ok := r.object(dir, "fsync "+d.path)
			r.record(crashOp{Kind: crashFsync, Obj: obj, Path: dirPath(d)}, ok)
		}
		return err
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
		la, aLink := a.Links[oa]
		lb, bLink := b.Links[ob]
		switch {
		case ob == 0:
			return p + " is in the model, not on disk"
		case oa != ob:
			return fmt.Sprintf("%s is object #%d in the model, #%d on disk", p, oa, ob)
		case aFile != bFile || aLink != bLink:
			return p + " is of another type in the model than on disk"
		case aFile && !bytes.Equal(da, db):
			return fmt.Sprintf("%s holds %q in the model, %q on disk", p, clip(da), clip(db))
		case aLink && la != lb:
			return fmt.Sprintf("%s links to %s in the model, %s on disk", p, la, lb)
		case !aFile && !aLink:
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
