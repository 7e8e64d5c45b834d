package atomicfs

import (
	"os"
	"path/filepath"
	"strconv"
)

// kernelPath is the path of the file or directory open as fd as the kernel knows it, for the
// trace's labels: the name a write path gives a directory reached through links may not be where
// the directory is (strace shows the kernel's). "" when it cannot be told.
func kernelPath(fd int) string {
	p, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(fd))
	if err != nil || !filepath.IsAbs(p) {
		return ""
	}
	return p
}
