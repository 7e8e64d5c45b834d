package atomicfs

import (
	"io/fs"
	"os"
)

// fileOps are the operating-system calls whose failures matter to a write. Tests replace them to
// provoke failures that cannot be caused for real, in particular as root (who ignores permission
// bits): a short write, a failing fsync, a read-back mismatch, a refused rename.
type fileOps struct {
	access   func(path string) error
	openFile func(name string, flag int, perm fs.FileMode) (*os.File, error)
	write    func(f *os.File, p []byte) (int, error)
	sync     func(f *os.File) error
	readAt   func(f *os.File, p []byte, off int64) (int, error)
	rename   func(oldpath, newpath string) error
	syncDir  func(dir string) error
}

// ops is the fileOps in use; only tests change it.
var ops = fileOps{
	access:   checkWritable,
	openFile: os.OpenFile,
	write:    (*os.File).Write,
	sync:     (*os.File).Sync,
	readAt:   (*os.File).ReadAt,
	rename:   rename,
	syncDir:  syncDir,
}
