//go:build !windows

package atomicfs

// isTransient reports whether err may pass by waiting. On Unix a rename is not refused because
// another process has a file open, so no error is: every operation runs once, and its error is
// the one os.WriteFile would see.
func isTransient(err error) bool { return false }
