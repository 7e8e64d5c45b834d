package atomicfs

import (
	"io/fs"
	"os"
	"strings"
	"unicode/utf8"
)

// maxLinks is how many symbolic links a write follows before giving up with ELOOP, as Linux does
// for a whole path (40).
const maxLinks = 40

// A target is the file a write replaces, found as the kernel finds the file os.WriteFile opens.
type target struct {
	dir  *directory // the directory that holds the entry: every step of the write is relative to it
	base string     // the entry's name in dir

	// f is the existing file, opened for writing (nil: there is none, the write creates it).
	// The open is the kernel's verdict that os.WriteFile could write the file — permissions,
	// ACLs, read-only mounts, immutable files, security modules — and the file's metadata is
	// copied from it. It is closed before the first data byte is written.
	f    *os.File
	info fs.FileInfo // f's, when f is not nil
}

// close releases the target's descriptors.
func (t *target) close() {
	t.closeFile()
	t.dir.close()
}

func (t *target) closeFile() {
	if t.f != nil {
		t.f.Close()
		t.f = nil
	}
}

// tempPrefix returns the start of the temp file names for the target base name: ".<base>.tmp-".
// A base so long that the temp name would pass the usual 255-byte limit on a file name is cut
// (at a character boundary), so writing a file with a long name does not fail for its temp file.
func tempPrefix(base string) string {
	const maxBase = 255 - len(".") - len(".tmp-") - randLen
	if len(base) > maxBase {
		n := maxBase
		for n > 0 && !utf8.RuneStart(base[n]) {
			n--
		}
		base = base[:n]
	}
	return "." + base + ".tmp-"
}

// IsTemp reports whether name, a file name without directory, has the shape of the temp files
// this package writes (".<base>.tmp-<12 base-36 digits>"): exactly the names CleanTemps removes.
// Tools that check a directory for leftovers (an fsck, a backup filter) use it to agree with
// CleanTemps.
func IsTemp(name string) bool {
	i := strings.LastIndex(name, ".tmp-")
	if i < 2 || name[0] != '.' || len(name)-i-len(".tmp-") != randLen {
		return false
	}
	for _, c := range name[i+len(".tmp-"):] {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}
