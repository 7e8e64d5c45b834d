//go:build !unix

package atomicfs

// checkWritable does nothing where there are no Unix permissions to check: on Windows the
// rename itself fails over a read-only file, as os.WriteFile does.
func checkWritable(path string) error { return nil }
