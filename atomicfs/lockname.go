package atomicfs

import (
	"fmt"
	"hash/fnv"
	"unicode/utf8"
)

// lockFileName returns the name of the sidecar lock file for the target base name, where the lock
// is a sidecar file (Windows): "<base>.lock". A base so long that this would pass the usual
// 255-byte limit on a file name is cut (at a character boundary) and followed by a hash of the
// whole base, so that long names work and two long names that share their first 240 bytes still
// get different lock files.
func lockFileName(base string) string {
	const maxName = 255
	if len(base)+len(".lock") <= maxName {
		return base + ".lock"
	}
	h := fnv.New32a()
	h.Write([]byte(base))
	suffix := fmt.Sprintf("~%08x.lock", h.Sum32())
	n := maxName - len(suffix)
	for n > 0 && !utf8.RuneStart(base[n]) {
		n--
	}
	return base[:n] + suffix
}
