//go:build !unix

package atomicfs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// resolveTarget finds the file that os.WriteFile(name) would write. Without the *at system calls
// the links are followed here, by path (see resolve), and an existing file is opened for writing:
// the system's verdict on whether os.WriteFile could write it (a read-only file is refused).
func resolveTarget(name string, o *options) (t *target, step string, err error) {
	path, fi, err := resolve(name)
	if err != nil {
		return nil, "open", err
	}
	dirPath, base := filepath.Dir(path), filepath.Base(path)
	d, err := ops.openDir(nil, dirPath)
	if err != nil && errors.Is(err, fs.ErrNotExist) && o.mkdirAll {
		if d, err = mkdirAllAt(dirPath, o.dirPerm, o.noSync); err != nil {
			return nil, "mkdir", err
		}
	}
	if err != nil {
		return nil, "open", err
	}
	t = &target{dir: d, base: base}
	if fi != nil {
		if t.f, err = ops.openFile(d, base, os.O_WRONLY, 0); err != nil {
			return nil, "open", err
		}
		t.info = fi
	}
	return t, "", nil
}

// mkdirAllAt creates the missing directories of path, as os.MkdirAll does.
func mkdirAllAt(path string, perm fs.FileMode, noSync bool) (*directory, error) {
	if err := os.MkdirAll(path, perm); err != nil {
		return nil, err
	}
	return ops.openDir(nil, path)
}

// resolve returns the file a write to name must replace, and its FileInfo (nil if it does not
// exist yet). Like os.WriteFile, which opens name and so writes through symbolic links, a link
// (or a chain of them) is followed to its final target, so the link stays a link and the file it
// points to gets the new content; a dangling link leads to the file it names, which is created.
// Only a target that is a link costs more than the one Lstat.
func resolve(name string) (string, fs.FileInfo, error) {
	if name == "" {
		return "", nil, &fs.PathError{Op: "open", Path: name, Err: syscall.ENOENT}
	}
	path := name
	for range maxLinks {
		fi, err := os.Lstat(path)
		switch {
		case os.IsNotExist(err):
			if endsInSeparator(path) {
				return "", nil, &fs.PathError{Op: "open", Path: path, Err: syscall.EISDIR}
			}
			return path, nil, nil
		case err != nil:
			return "", nil, err
		case fi.IsDir():
			return "", nil, &fs.PathError{Op: "open", Path: path, Err: syscall.EISDIR}
		case fi.Mode()&fs.ModeSymlink == 0:
			if endsInSeparator(path) {
				return "", nil, &fs.PathError{Op: "open", Path: path, Err: syscall.ENOTDIR}
			}
			if !fi.Mode().IsRegular() {
				// A device, FIFO or socket cannot be replaced atomically, and renaming a regular
				// file over it (over /dev/null, say) would destroy it: refuse.
				return "", nil, &fs.PathError{Op: "open", Path: path, Err: ErrNotRegular}
			}
			return path, fi, nil
		}
		dest, err := os.Readlink(path)
		if err != nil {
			return "", nil, err
		}
		if !filepath.IsAbs(dest) {
			// A relative link is relative to the directory holding it, and that directory is
			// where the kernel finds it: resolve the directory's own links first, so that a ".."
			// in dest climbs out of the real directory, not the lexical one.
			dir, err := filepath.EvalSymlinks(filepath.Dir(path))
			if err != nil {
				return "", nil, err
			}
			dest = filepath.Join(dir, dest)
		}
		path = dest
	}
	return "", nil, &fs.PathError{Op: "open", Path: name, Err: syscall.ELOOP}
}

func endsInSeparator(path string) bool {
	return path != "" && os.IsPathSeparator(path[len(path)-1])
}
