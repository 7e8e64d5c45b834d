//go:build windows

package atomicfs

// fsyncDirPath does nothing on Windows: a directory handle cannot be flushed there. rename makes the
// replacement durable instead (MOVEFILE_WRITE_THROUGH for a new file; FlushFileBuffers on the
// replaced file after ReplaceFileW).
func fsyncDirPath(dir string) error { return nil }
