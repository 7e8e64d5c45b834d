//go:build unix

package atomicfs

import (
	"errors"
	"io/fs"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// resolveTarget finds the file that os.WriteFile(name) would write, the way the kernel finds it:
// the directory part of name is opened by one kernel path walk (so ".." after a symbolic link
// climbs out of the link's target, and the kernel's rules for following links apply), and a link
// in the last element is followed one hop at a time relative to the directory that holds it,
// after the kernel has said it may be followed at all (followAllowed). An existing file is opened
// for writing, which is the kernel's verdict on whether os.WriteFile could write it.
//
// With WithMkdirAll, missing directories of name's directory part are created (durably).
func resolveTarget(name string, o *options) (t *target, step string, err error) {
	if name == "" {
		return nil, "open", &fs.PathError{Op: "open", Path: name, Err: syscall.ENOENT}
	}
	dirPart, base := splitName(name)
	if base == "" || base == "." || base == ".." {
		return nil, "open", notAFileName(name)
	}
	d, err := ops.openDir(nil, dirPart)
	if err != nil && errors.Is(err, fs.ErrNotExist) && o.mkdirAll {
		if d, err = mkdirAllAt(dirPart, o.dirPerm, o.noSync); err != nil {
			// The write gives up: a failed fsync of a new directory is its failure, not a change
			// made but not durable.
			return nil, "mkdir", withoutDirSyncMark(err)
		}
	}
	if err != nil {
		return nil, "open", err
	}
	if t, err = resolveIn(d, base, name); err != nil {
		return nil, "open", err
	}
	if err := refuseFrozenDir(t.dir); err != nil {
		t.close()
		return nil, "open", err
	}
	return t, "", nil
}

// raceRetries bounds how often resolveIn starts again when the entry changes between the stat and
// the open (another process replacing it): beyond that, the error of the last try is returned.
const raceRetries = 8

// resolveIn resolves the entry base of d, and owns d: on success the target holds it (or the
// directory the links led to, d being closed), on failure it is closed.
func resolveIn(d *directory, base, name string) (t *target, err error) {
	defer func() {
		if err != nil {
			d.close() // the directory the links led to by now: those before are closed already
		}
	}()
	links, races := 0, 0
	for {
		var st unix.Stat_t
		err := ignoringEINTR(func() error { return unix.Fstatat(d.fd, base, &st, unix.AT_SYMLINK_NOFOLLOW) })
		if err == unix.ENOENT {
			return &target{dir: d, base: base}, nil
		}
		if err != nil {
			return nil, &fs.PathError{Op: "stat", Path: d.join(base), Err: err}
		}
		switch st.Mode & unix.S_IFMT {
		case unix.S_IFREG:
			if err := refusePseudoFile(d, base); err != nil {
				return nil, err
			}
			t, err := openExisting(d, base, &st)
			if err != nil && changedMeanwhile(err) && races < raceRetries {
				races++
				continue
			}
			return t, err
		case unix.S_IFDIR:
			return nil, &fs.PathError{Op: "open", Path: d.join(base), Err: syscall.EISDIR}
		case unix.S_IFLNK:
			if links == 0 {
				if err := followAllowed(d, base); err != nil {
					return nil, err
				}
			}
			if links++; links > maxLinks {
				return nil, &fs.PathError{Op: "open", Path: name, Err: syscall.ELOOP}
			}
			nd, nbase, err := followLink(d, base)
			if err != nil {
				return nil, err
			}
			if nd != d {
				d.close()
				d = nd
			}
			base = nbase
		default:
			// A device, FIFO or socket cannot be replaced atomically, and renaming a regular file
			// over it (over /dev/null, say) would destroy it: refuse.
			return nil, &fs.PathError{Op: "open", Path: d.join(base), Err: ErrNotRegular}
		}
	}
}

// changedMeanwhile reports whether err from opening an entry that was a regular file a moment ago
// means that it has been removed or replaced by a link since: resolveIn then looks again.
func changedMeanwhile(err error) bool {
	return errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ELOOP) || errors.Is(err, errReplaced)
}

// errReplaced: the entry opened is no longer a regular file.
var errReplaced = errors.New("replaced while being opened")

// followLink reads the link base of d and returns the directory and entry its destination names,
// the directory part resolved by the kernel relative to d (so ".." climbs out of d's real
// location, as when the kernel follows the link).
func followLink(d *directory, base string) (*directory, string, error) {
	dest, err := readlinkAt(d, base)
	if err != nil {
		return nil, "", err
	}
	destDir, destBase := splitName(dest)
	if destBase == "" || destBase == "." || destBase == ".." {
		return nil, "", &fs.PathError{Op: "open", Path: d.join(base), Err: syscall.EISDIR}
	}
	if destDir == "." {
		return d, destBase, nil // a link to a sibling: the same directory
	}
	nd, err := ops.openDir(d, destDir)
	if err != nil {
		return nil, "", err
	}
	return nd, destBase, nil
}

func readlinkAt(d *directory, name string) (string, error) {
	for size := 256; ; size *= 2 {
		buf := make([]byte, size)
		var n int
		err := ignoringEINTR(func() error {
			var err error
			n, err = unix.Readlinkat(d.fd, name, buf)
			return err
		})
		if err != nil {
			return "", &fs.PathError{Op: "readlink", Path: d.join(name), Err: err}
		}
		if n < size {
			return string(buf[:n]), nil
		}
	}
}

// openExisting opens the regular file base of d for writing, without truncating it: the open
// succeeds exactly when os.WriteFile's would (see openFlagsLike).
func openExisting(d *directory, base string, st *unix.Stat_t) (*target, error) {
	f, err := ops.openFile(d, base, openFlagsLike(d, st), 0)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: d.join(base), Err: errReplaced}
	}
	return &target{dir: d, base: base, f: f, info: fi}, nil
}

// mkdirAllAt creates the missing directories of path and returns the last one open. Each
// component is opened relative to the one before (so ".." and links mean what they mean to the
// kernel), and unless noSync each new directory's parent is fsynced before anything is put in
// the new directory, so that the directories survive a power cut together with the file.
func mkdirAllAt(path string, perm fs.FileMode, noSync bool) (*directory, error) {
	start := "."
	if os.IsPathSeparator(path[0]) {
		start = path[:1]
	}
	cur, err := ops.openDir(nil, start)
	if err != nil {
		return nil, err
	}
	for _, elem := range splitElems(path) {
		next, err := ops.openDir(cur, elem)
		if err != nil && errors.Is(err, fs.ErrNotExist) {
			// Another writer may create the same directory at the same time: that is success too.
			if err = ops.mkdir(cur, elem, perm); err == nil || errors.Is(err, fs.ErrExist) {
				next, err = ops.openDir(cur, elem)
				if err == nil && !noSync {
					if err = ops.syncDir(cur, nil); err != nil {
						err = notDurable(err)
					}
				}
			}
		}
		cur.close()
		if err != nil {
			next.close()
			return nil, err
		}
		cur = next
	}
	return cur, nil
}

// splitElems returns the elements of path, without empty and "." elements.
func splitElems(path string) []string {
	var elems []string
	for i := 0; i < len(path); {
		j := i
		for j < len(path) && !os.IsPathSeparator(path[j]) {
			j++
		}
		if e := path[i:j]; e != "" && e != "." {
			elems = append(elems, e)
		}
		i = j + 1
	}
	return elems
}

// splitName splits name at its last separator into the directory part and the entry name,
// without cleaning: "l/../x.json" must keep its ".." for the kernel, which climbs out of the
// directory l points to, not out of l.
func splitName(name string) (dirPart, base string) {
	i := len(name) - 1
	for i >= 0 && !os.IsPathSeparator(name[i]) {
		i--
	}
	switch {
	case i < 0:
		return ".", name
	case i == 0:
		return name[:1], name[1:]
	}
	return name[:i], name[i+1:]
}

// notAFileName returns the error os.WriteFile gets for a name whose last element cannot be a
// file ("dir/", ".", ".."): EISDIR for a directory, ENOTDIR for a file named with a trailing
// separator.
func notAFileName(name string) error {
	fi, err := os.Stat(name)
	switch {
	case err == nil && !fi.IsDir():
		return &fs.PathError{Op: "open", Path: name, Err: syscall.ENOTDIR}
	case err == nil || errors.Is(err, fs.ErrNotExist):
		return &fs.PathError{Op: "open", Path: name, Err: syscall.EISDIR}
	}
	return err
}
