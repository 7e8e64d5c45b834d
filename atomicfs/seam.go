package atomicfs

import (
	"io/fs"
	"os"
)

// fileOps are the operating-system calls whose failures matter to a write, each relative to an
// open directory so that every step of one write happens in the directory the kernel resolved at
// the start. Tests replace them to provoke failures that cannot be caused for real, in particular
// as root (who ignores permission bits): a short write, a failing fsync, a read-back mismatch, a
// refused rename; and to record the operations of a write for the crash-state model.
type fileOps struct {
	// openDir opens the directory path, relative to at (nil: the current directory).
	openDir func(at *directory, path string) (*directory, error)
	// openFile opens or creates the entry name of d (the target, to ask the kernel whether it may
	// be written, or a new temp file).
	openFile func(d *directory, name string, flag int, perm fs.FileMode) (*os.File, error)
	write    func(f *os.File, p []byte) (int, error)
	sync     func(f *os.File) error
	readAt   func(f *os.File, p []byte, off int64) (int, error)
	// rename replaces the entry newname of d with its entry oldname.
	rename func(d *directory, oldname, newname string) error
	// remove removes the entry name of d (a temp file being discarded).
	remove func(d *directory, name string) error
	// mkdir creates the directory name in d.
	mkdir func(d *directory, name string, perm fs.FileMode) error
	// syncDir makes the entries of d durable; f, the file just renamed into d, is what a
	// directory that cannot be opened for reading is flushed through (nil: none).
	syncDir func(d *directory, f *os.File) error
}

// ops is the fileOps in use; only tests change it.
var ops = fileOps{
	openDir:  openDir,
	openFile: openFileAt,
	write:    (*os.File).Write,
	sync:     (*os.File).Sync,
	readAt:   (*os.File).ReadAt,
	rename:   renameAt,
	remove:   removeAt,
	mkdir:    mkdirAt,
	syncDir:  syncDirAt,
}
