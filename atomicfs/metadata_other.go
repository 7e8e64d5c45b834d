//go:build !unix

package atomicfs

import "os"

// keepMetadata does nothing here: on Windows the replacement (ReplaceFileW) keeps the target's
// ACLs and attributes itself.
func keepMetadata(t *target, tmp *os.File) (step string, err error) { return "", nil }
