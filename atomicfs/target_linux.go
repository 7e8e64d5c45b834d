package atomicfs

import (
	"fmt"
	"io/fs"

	"golang.org/x/sys/unix"
)

// followAllowed asks the kernel whether the link base of d may be followed, by opening it with
// O_PATH (which follows it, and every link after it, without reading or writing anything): the
// kernel's rules apply exactly as for os.WriteFile's open — fs.protected_symlinks above all,
// which refuses to follow a link in a sticky world-writable directory (/tmp) that belongs to
// neither the follower nor the directory's owner. A dangling link (ENOENT) may be followed: the
// write then creates the file it names, as os.WriteFile does. What the links lead to is judged
// here too, since the kernel knows it even where the link's text names nothing that a path can
// reach (/dev/stdout leads through /proc/self/fd/1 to a pipe or a terminal): a directory is
// EISDIR, anything but a regular file ErrNotRegular.
func followAllowed(d *directory, base string) error {
	var fd int
	err := ignoringEINTR(func() error {
		var err error
		fd, err = unix.Openat(d.fd, base, unix.O_PATH|unix.O_CLOEXEC, 0)
		return err
	})
	switch err {
	case nil:
	case unix.ENOENT:
		return nil
	default:
		return &fs.PathError{Op: "open", Path: d.join(base), Err: err}
	}
	var st unix.Stat_t
	err = unix.Fstat(fd, &st)
	unix.Close(fd)
	switch {
	case err != nil:
		return &fs.PathError{Op: "stat", Path: d.join(base), Err: err}
	case st.Mode&unix.S_IFMT == unix.S_IFDIR:
		return &fs.PathError{Op: "open", Path: d.join(base), Err: unix.EISDIR}
	case st.Mode&unix.S_IFMT != unix.S_IFREG:
		return &fs.PathError{Op: "open", Path: d.join(base), Err: ErrNotRegular}
	}
	return nil
}

// openFlagsLike returns the flags for opening the existing regular file st, the entry of d, so
// that the open succeeds exactly when os.WriteFile's open(O_WRONLY|O_CREAT|O_TRUNC) would, without
// truncating: O_WRONLY for the permission, mount and inode-flag checks, and O_CREAT where
// fs.protected_regular could refuse the write (a file that is not the writer's in a sticky
// directory that anyone else may write). O_CREAT on an entry that a concurrent process removed
// meanwhile would create an empty file there, so it is asked for only in that case.
func openFlagsLike(d *directory, st *unix.Stat_t) int {
	flags := unix.O_WRONLY | unix.O_NONBLOCK | unix.O_NOCTTY
	if int(st.Uid) == unix.Geteuid() {
		return flags
	}
	var dst unix.Stat_t
	if unix.Fstat(d.fd, &dst) != nil {
		return flags
	}
	if dst.Mode&unix.S_ISVTX != 0 && dst.Mode&0o022 != 0 && dst.Uid != st.Uid {
		flags |= unix.O_CREAT
	}
	return flags
}

// pseudoFileSystems are the kernel's file systems whose files are interfaces to the kernel
// (writing /proc/sys/vm/swappiness sets a tunable): a write there is an instruction, not content
// to keep, and a replacement file can neither be created nor renamed over them.
var pseudoFileSystems = map[uint32]string{
	unix.PROC_SUPER_MAGIC:    "proc",
	unix.SYSFS_MAGIC:         "sysfs",
	unix.CGROUP_SUPER_MAGIC:  "cgroup",
	unix.CGROUP2_SUPER_MAGIC: "cgroup2",
	unix.DEBUGFS_MAGIC:       "debugfs",
	unix.TRACEFS_MAGIC:       "tracefs",
	unix.SECURITYFS_MAGIC:    "securityfs",
	unix.BPF_FS_MAGIC:        "bpf",
	unix.EFIVARFS_MAGIC:      "efivarfs",
	unix.PSTOREFS_MAGIC:      "pstore",
}

// refusePseudoFile refuses the existing file base of d if d is on one of the kernel's pseudo file
// systems, with ErrNotRegular and the file system's name, before anything is created: otherwise
// the attempt would end in a misleading "no such file" or "permission denied" for the temp file.
func refusePseudoFile(d *directory, base string) error {
	var sfs unix.Statfs_t
	if err := unix.Fstatfs(d.fd, &sfs); err != nil {
		return nil // the write's own steps will say what is wrong
	}
	if name, ok := pseudoFileSystems[uint32(sfs.Type)]; ok {
		return &fs.PathError{Op: "open", Path: d.join(base), Err: fmt.Errorf(
			"%w: a %s file is an interface to the kernel, which a new file cannot replace: write it with os.WriteFile", ErrNotRegular, name)}
	}
	return nil
}
