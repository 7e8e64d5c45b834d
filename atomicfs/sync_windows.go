//go:build windows

package atomicfs

// syncDir does nothing on Windows: a directory handle cannot be flushed there. rename makes the
// replacement durable instead (MOVEFILE_WRITE_THROUGH for a new file; FlushFileBuffers on the
// replaced file after ReplaceFileW).
func syncDir(dir string) error { return nil }
