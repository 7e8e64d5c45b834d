//go:build !unix && !windows

package atomicfs

import "os"

// fsyncDirPath fsyncs dir where the platform allows it; where it does not, the rename's
// durability is up to the file system.
func fsyncDirPath(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// rename is os.Rename.
func rename(oldpath, newpath string) error { return os.Rename(oldpath, newpath) }
