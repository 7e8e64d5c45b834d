//go:build !unix && !windows

package atomicfs

// checkWritable does nothing where there are neither Unix permissions nor Windows attributes to
// check (Plan 9, WebAssembly): the rename's own error stands.
func checkWritable(path string) error { return nil }
