//go:build !unix

package atomicfs

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// A directory is a directory by path: without the *at system calls a write names its files by path,
// and the directory is the one the path names at each step.
type directory struct {
	path string
}

func (d *directory) close() {}

// join is the path of the entry name of d.
func (d *directory) join(name string) string { return filepath.Join(d.path, name) }

// openDir checks that path, relative to at (nil: the current directory), is a directory.
func openDir(at *directory, path string) (*directory, error) {
	if path == "" {
		path = "."
	}
	if at != nil && !filepath.IsAbs(path) {
		path = at.join(path)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, &fs.PathError{Op: "open", Path: path, Err: syscall.ENOTDIR}
	}
	return &directory{path: path}, nil
}

func openFileAt(d *directory, name string, flag int, perm fs.FileMode) (*os.File, error) {
	return os.OpenFile(d.join(name), flag, perm)
}

func renameAt(d *directory, oldname, newname string) error {
	return rename(d.join(oldname), d.join(newname))
}

func removeAt(d *directory, name string) error { return os.Remove(d.join(name)) }

func mkdirAt(d *directory, name string, perm fs.FileMode) error { return os.Mkdir(d.join(name), perm) }

func syncDirAt(d *directory, f *os.File) error { return fsyncDirPath(d.path) }

// renameOpenFiles: Windows refuses to rename a file that is open without FILE_SHARE_DELETE, which
// os.OpenFile does not ask for, so the temp file is closed before its rename.
const renameOpenFiles = false

// lockTemp does nothing and reports success: an open file cannot be removed here, so CleanTemps
// cannot remove a temp file while its writer has it open.
func lockTemp(f *os.File) bool { return true }
