//go:build !unix && !windows

package atomicfs

import "os"

// keepMetadata does nothing where files have neither Unix metadata nor Windows security
// descriptors to carry over (Plan 9, WebAssembly).
func keepMetadata(t *target, tmp *os.File) (step string, err error) { return "", nil }
