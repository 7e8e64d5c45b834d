//go:build unix && !linux

package atomicfs

import "golang.org/x/sys/unix"

// followAllowed has nothing to ask here: these systems have no rule like Linux's
// fs.protected_symlinks, so every link os.WriteFile would follow may be followed.
func followAllowed(d *directory, base string) error { return nil }

// refusePseudoFile has nothing to refuse here: the pseudo file systems of these systems (procfs,
// devfs) hold no regular files.
func refusePseudoFile(d *directory, base string) error { return nil }

// openFlagsLike returns the flags for opening an existing regular file for writing without
// truncating it: the open succeeds exactly when os.WriteFile's would.
func openFlagsLike(d *directory, st *unix.Stat_t) int {
	return unix.O_WRONLY | unix.O_NONBLOCK | unix.O_NOCTTY
}
