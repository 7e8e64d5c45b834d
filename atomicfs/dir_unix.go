//go:build unix

package atomicfs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"
)

// A directory is an open directory. A write resolves the target's directory once, by a kernel path
// walk, and then creates, renames and fsyncs relative to this descriptor: no step re-walks the
// path, so a directory swapped in by another process meanwhile is never the one written to.
type directory struct {
	path string // how the directory was reached, for errors
	fd   int
	// pathOnly: fd is an O_PATH (Linux) or O_SEARCH descriptor, because the directory may be
	// searched and written but not read; on Linux such a descriptor cannot be fsynced (see
	// syncDirAt).
	pathOnly bool
}

func (d *directory) close() {
	if d != nil && d.fd >= 0 {
		unix.Close(d.fd)
		d.fd = -1
	}
}

// join is the path of the entry name of d, for errors and for the os.File of a descriptor. It
// does not clean: "sub/.." through a linked sub is not the directory that holds sub, and only the
// kernel's walk of the whole text names the directory that d is.
func (d *directory) join(name string) string {
	switch {
	case d.path == ".":
		return name
	case os.IsPathSeparator(d.path[len(d.path)-1]):
		return d.path + name
	}
	return d.path + string(os.PathSeparator) + name
}

// atFD returns the descriptor that path is resolved from: d's, or the current directory's when d
// is nil or path is absolute; and the path to show for it in errors.
func atFD(d *directory, path string) (int, string) {
	if d == nil || filepath.IsAbs(path) {
		return unix.AT_FDCWD, path
	}
	return d.fd, d.join(path)
}

// openDir opens the directory path relative to at (nil: the current directory), for reading if
// the process may read it and otherwise, where the system has it, for searching only.
func openDir(at *directory, path string) (*directory, error) {
	if path == "" {
		path = "."
	}
	atfd, shown := atFD(at, path)
	var fd int
	err := ignoringEINTR(func() error {
		var err error
		fd, err = unix.Openat(atfd, path, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		return err
	})
	pathOnly := false
	if err == unix.EACCES {
		if pfd, perr := openSearchOnly(atfd, path); perr == nil {
			fd, err, pathOnly = pfd, nil, true
		}
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: shown, Err: err}
	}
	return &directory{path: shown, fd: fd, pathOnly: pathOnly}, nil
}

// openFileAt opens the entry name of d as os.OpenFile opens a path, never following a symbolic
// link in name itself (resolveTarget follows links one at a time).
func openFileAt(d *directory, name string, flag int, perm fs.FileMode) (*os.File, error) {
	var fd int
	err := ignoringEINTR(func() error {
		var err error
		fd, err = unix.Openat(d.fd, name, flag|unix.O_NOFOLLOW|unix.O_CLOEXEC, syscallMode(perm))
		return err
	})
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: d.join(name), Err: err}
	}
	return os.NewFile(uintptr(fd), d.join(name)), nil
}

// syscallMode converts perm to the mode bits open(2) and mkdir(2) take.
func syscallMode(perm fs.FileMode) uint32 {
	m := uint32(perm.Perm())
	if perm&fs.ModeSetuid != 0 {
		m |= unix.S_ISUID
	}
	if perm&fs.ModeSetgid != 0 {
		m |= unix.S_ISGID
	}
	if perm&fs.ModeSticky != 0 {
		m |= unix.S_ISVTX
	}
	return m
}

// renameAt is renameat(2) within d, which replaces newname atomically.
func renameAt(d *directory, oldname, newname string) error {
	err := ignoringEINTR(func() error { return unix.Renameat(d.fd, oldname, d.fd, newname) })
	if err != nil {
		return &os.LinkError{Op: "rename", Old: d.join(oldname), New: d.join(newname), Err: err}
	}
	return nil
}

// removeAt unlinks the entry name of d.
func removeAt(d *directory, name string) error {
	err := ignoringEINTR(func() error { return unix.Unlinkat(d.fd, name, 0) })
	if err != nil {
		return &fs.PathError{Op: "remove", Path: d.join(name), Err: err}
	}
	return nil
}

// mkdirAt creates the directory name in d.
func mkdirAt(d *directory, name string, perm fs.FileMode) error {
	err := ignoringEINTR(func() error { return unix.Mkdirat(d.fd, name, syscallMode(perm)) })
	if err != nil {
		return &fs.PathError{Op: "mkdir", Path: d.join(name), Err: err}
	}
	return nil
}

// openSearchOnly opens the directory path, relative to atfd, for searching only (see searchOnly).
func openSearchOnly(atfd int, path string) (int, error) {
	var fd int
	err := ignoringEINTR(func() error {
		var err error
		fd, err = unix.Openat(atfd, path, searchOnly|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		return err
	})
	return fd, err
}

// syncDirAt fsyncs d. A directory the process may not read cannot be opened for fsync; then the
// file system that holds it is flushed through f, a file in it, where the system can do that.
func syncDirAt(d *directory, f *os.File) error {
	var err error
	if d.pathOnly {
		err = syncUnreadableDir(d, f)
	} else {
		err = fsyncDirFD(d.fd)
	}
	if err != nil {
		return &fs.PathError{Op: "fsync", Path: d.path, Err: err}
	}
	return nil
}

// renameOpenFiles: a file may be renamed while open, so the temp file stays open (and locked)
// until after its rename.
const renameOpenFiles = true

// lockTemp takes an exclusive flock on a new temp file, held until the descriptor is closed
// (after the rename, or when the temp file is removed): CleanTemps skips the temp files it cannot
// lock, so it never deletes one whose write is still in flight. It reports false if a CleanTemps
// got to the file between its creation and this lock (it holds the lock, or has removed the file
// under it and let go): the writer must start over with a new temp file. A file system without
// flock leaves the temp unlocked; CleanTemps then judges by age alone.
func lockTemp(f *os.File) bool {
	fd := int(f.Fd())
	err := ignoringEINTR(func() error { return unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB) })
	if err == unix.EWOULDBLOCK {
		return false
	}
	var st unix.Stat_t
	return unix.Fstat(fd, &st) != nil || st.Nlink > 0
}

// ignoringEINTR retries fn while it is interrupted by a signal, as the os package does.
func ignoringEINTR(fn func() error) error {
	for {
		err := fn()
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}
