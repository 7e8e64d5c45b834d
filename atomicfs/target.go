package atomicfs

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"syscall"
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

// splitName splits name at its last separator into the directory part and the entry name,
// without cleaning: "l/../x.json" must keep its ".." for the kernel, which climbs out of the
// directory l points to, not out of l.
func splitName(name string) (dirPart, base string) {
	i := len(name) - 1
	for i >= 0 && !os.IsPathSeparator(name[i]) {
		i--
	}
	switch {
	case i < 0:
		return ".", name
	case i == 0:
		return name[:1], name[1:]
	}
	return name[:i], name[i+1:]
}

// notAFileName returns the error os.WriteFile gets for a name whose last element cannot be a
// file ("dir/", ".", ".."): EISDIR for a directory, ENOTDIR for a file named with a trailing
// separator.
func notAFileName(name string) error {
	fi, err := os.Stat(name)
	switch {
	case err == nil && !fi.IsDir():
		return &fs.PathError{Op: "open", Path: name, Err: syscall.ENOTDIR}
	case err == nil || errors.Is(err, fs.ErrNotExist):
		return &fs.PathError{Op: "open", Path: name, Err: syscall.EISDIR}
	}
	return err
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
