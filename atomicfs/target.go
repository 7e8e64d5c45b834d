package atomicfs

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"unicode/utf8"
)

// maxLinks is how many symbolic links resolve follows before giving up with ELOOP, as Linux does
// for a whole path (40) — generous for chains of whole-file links.
const maxLinks = 40

// resolve returns the file a write to name must replace, and its FileInfo (nil if it does not
// exist yet). Like os.WriteFile, which opens name and so writes through symbolic links, a link
// (or a chain of them) is followed to its final target, so the link stays a link and the file it
// points to gets the new content; a dangling link leads to the file it names, which is created.
// Only a target that is a link costs more than the one Lstat.
func resolve(name string) (string, fs.FileInfo, error) {
	if name == "" {
		return "", nil, &fs.PathError{Op: "open", Path: name, Err: syscall.ENOENT}
	}
	path := name
	for range maxLinks {
		fi, err := os.Lstat(path)
		switch {
		case os.IsNotExist(err):
			if endsInSeparator(path) {
				return "", nil, &fs.PathError{Op: "open", Path: path, Err: syscall.EISDIR}
			}
			return path, nil, nil
		case err != nil:
			return "", nil, err
		case fi.IsDir():
			return "", nil, &fs.PathError{Op: "open", Path: path, Err: syscall.EISDIR}
		case fi.Mode()&fs.ModeSymlink == 0:
			if endsInSeparator(path) {
				return "", nil, &fs.PathError{Op: "open", Path: path, Err: syscall.ENOTDIR}
			}
			if !fi.Mode().IsRegular() {
				// A device, FIFO or socket cannot be replaced atomically, and renaming a regular
				// file over it (over /dev/null, say) would destroy it: refuse.
				return "", nil, &fs.PathError{Op: "open", Path: path, Err: ErrNotRegular}
			}
			return path, fi, nil
		}
		dest, err := os.Readlink(path)
		if err != nil {
			return "", nil, err
		}
		if !filepath.IsAbs(dest) {
			// A relative link is relative to the directory holding it, and that directory is
			// where the kernel finds it: resolve the directory's own links first, so that a ".."
			// in dest climbs out of the real directory, not the lexical one.
			dir, err := filepath.EvalSymlinks(filepath.Dir(path))
			if err != nil {
				return "", nil, err
			}
			dest = filepath.Join(dir, dest)
		}
		path = dest
	}
	return "", nil, &fs.PathError{Op: "open", Path: name, Err: syscall.ELOOP}
}

func endsInSeparator(path string) bool {
	return path != "" && os.IsPathSeparator(path[len(path)-1])
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
