package atomicfs

import (
	"io/fs"
	"os"
	"path/filepath"
)

// SyncDir fsyncs the directory dir, so that the entries created, renamed or removed in it so far
// survive a power cut. On macOS it uses F_FULLFSYNC, which also flushes the drive's cache (falling
// back to fsync on file systems that refuse it for directories). On Windows it does nothing and
// returns nil: a directory cannot be flushed there, and this package's renames are written
// through (MOVEFILE_WRITE_THROUGH). The error names dir and carries the *fs.PathError of the
// failing system call.
func SyncDir(dir string) error {
	if err := syncDir(dir); err != nil {
		return fail("fsync directory", dir, dir, err)
	}
	return nil
}

// MkdirAll is os.MkdirAll made durable: it creates dir and its missing parents with mode perm
// (before the umask) and fsyncs the parent of each directory it creates, so that the new
// directories survive a power cut. Directories that exist are left as they are (a dir that exists
// is success, as with os.MkdirAll, though nothing is synced then). If a directory was created but
// its parent's fsync failed, the error matches ErrDirSync.
func MkdirAll(dir string, perm fs.FileMode) error {
	if err := mkdirAll(dir, perm, false); err != nil {
		return fail("mkdir", dir, dir, err)
	}
	return nil
}

// Rename is os.Rename made durable: it renames oldpath to newpath (replacing newpath atomically,
// as rename(2) does; a symbolic link at newpath is replaced, not followed) and then fsyncs the
// directory of newpath and, if it is another one, that of oldpath — the new entry first, so that a
// power cut cannot keep the removal of the old name without the new one. The rename's error is
// os.Rename's *os.LinkError, wrapped ("atomicfs: rename <oldpath> <newpath>: <cause>"). If the
// rename was done but a directory fsync failed, the error matches ErrDirSync.
func Rename(oldpath, newpath string) error {
	if err := os.Rename(oldpath, newpath); err != nil {
		return &opError{step: "rename", name: oldpath + " " + newpath, err: err}
	}
	newDir, oldDir := filepath.Dir(newpath), filepath.Dir(oldpath)
	if err := syncDir(newDir); err != nil {
		return fail("fsync directory of", newpath, newDir, notDurable(err))
	}
	if oldDir != newDir {
		if err := syncDir(oldDir); err != nil {
			return fail("fsync directory of", oldpath, oldDir, notDurable(err))
		}
	}
	return nil
}

// Remove is os.Remove made durable: it removes the file or empty directory name (a symbolic link
// itself, not what it points to) and fsyncs its directory, so that the removal survives a power
// cut. The error carries os.Remove's *fs.PathError. If the removal was done but the directory
// fsync failed, the error matches ErrDirSync.
func Remove(name string) error {
	if err := os.Remove(name); err != nil {
		return fail("remove", name, name, err)
	}
	dir := filepath.Dir(name)
	if err := syncDir(dir); err != nil {
		return fail("fsync directory of", name, dir, notDurable(err))
	}
	return nil
}
