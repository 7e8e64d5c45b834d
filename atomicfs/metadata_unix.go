//go:build unix

package atomicfs

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// keepMetadata gives the temp file tmp, still empty, what the existing target keeps under
// os.WriteFile, which rewrites the file in place: its owner and group (as far as the process may
// set them), its mode, and (where the system has them) its extended attributes, POSIX ACLs and
// inode flags. It runs before the first data byte is written, so the new content is never in a
// file that someone the target shuts out could open; the temp file was created 0600 and belongs
// to the writer until here.
func keepMetadata(t *target, tmp *os.File) (step string, err error) {
	st, ok := t.info.Sys().(*syscall.Stat_t)
	if !ok {
		return "", nil
	}
	if err := keepOwner(tmp, int(st.Uid), int(st.Gid)); err != nil {
		return "chown", err
	}
	// The ACL before the mode: until now the file is 0600, and an ACL set on it brings its own
	// mask, so at no moment does anyone have more access than the target gives (a descriptor
	// opened in such a moment would keep that access for the data written later). The chmod that
	// follows sets the group bits, which for an ACL'd file are its mask, to the same value.
	if err := copyXattrs(t.f, tmp); err != nil {
		return "copy extended attributes to", err
	}
	if err := copyFlags(t.f, tmp); err != nil {
		return "copy inode flags to", err
	}
	// After the chown, which clears the set-user-ID and set-group-ID bits; and before the writes,
	// so that the kernel clears those bits on the writes exactly as it does when os.WriteFile
	// writes the file (unless the writer has CAP_FSETID).
	mode := uint32(st.Mode) & 0o7777
	if err := ignoringEINTR(func() error { return unix.Fchmod(int(tmp.Fd()), mode) }); err != nil {
		return "chmod", &fs.PathError{Op: "chmod", Path: tmp.Name(), Err: err}
	}
	if mode&(unix.S_ISUID|unix.S_ISGID) != 0 {
		// os.WriteFile's O_TRUNC clears them even when it writes no byte; a truncation does here.
		if err := ignoringEINTR(func() error { return unix.Ftruncate(int(tmp.Fd()), 0) }); err != nil {
			return "truncate", &fs.PathError{Op: "truncate", Path: tmp.Name(), Err: err}
		}
	}
	return "", nil
}

// keepOwner gives f the owner uid and group gid, as far as the process may: only root (CAP_CHOWN)
// may give a file away, and an owner may give its file only to one of its own groups. When the
// owner cannot be kept, the group still is if the writer belongs to it: a file alice:proj 0660
// that bob updates becomes bob:proj, so the members of proj keep their access and nobody else
// gains any. What cannot be kept at all stays the writer's, as a new file would be.
func keepOwner(f *os.File, uid, gid int) error {
	fd := int(f.Fd())
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return &fs.PathError{Op: "stat", Path: f.Name(), Err: err}
	}
	if int(st.Uid) == uid && int(st.Gid) == gid {
		return nil // the usual case: the writer's own file, in its own group
	}
	err := ignoringEINTR(func() error { return unix.Fchown(fd, uid, gid) })
	if errors.Is(err, unix.EPERM) {
		err = ignoringEINTR(func() error { return unix.Fchown(fd, -1, gid) })
	}
	if err != nil && !errors.Is(err, unix.EPERM) {
		return &fs.PathError{Op: "chown", Path: f.Name(), Err: err}
	}
	return nil
}

// copyXattrs copies the extended attributes of src to dst, which is new, and removes from dst the
// POSIX ACL it may have inherited from its directory's default ACL where src has none. The POSIX
// ACLs are extended attributes too (system.posix_acl_access): copying the ACL keeps the named
// users' and groups' access and the mask, which is what the group bits of an ACL'd file's mode
// mean; dropping it would give the owning group the mask's access instead.
//
// Attributes the process may not set are not copied: trusted.* (needs CAP_SYS_ADMIN),
// security.* where the security module or a capability refuses (security.selinux needs the
// policy's relabel permission, security.capability needs CAP_SETFCAP); and none can be read from
// a file the process may write but not read. Any other failure is an error.
func copyXattrs(src, dst *os.File) error {
	names, err := listXattrs(src)
	if err != nil || len(names) == 0 && !inheritsACL(dst) {
		return nil // a file system without extended attributes, or a file without any
	}
	have := make(map[string]bool, len(names))
	var buf []byte
	for _, name := range names {
		have[name] = true
		var val []byte
		val, buf, err = getXattr(src, name, buf)
		if err != nil {
			if privileged(name) || errors.Is(err, unix.EACCES) || errors.Is(err, errNoXattr) {
				continue
			}
			return &fs.PathError{Op: "getxattr " + name, Path: src.Name(), Err: err}
		}
		err = ignoringEINTR(func() error { return unix.Fsetxattr(int(dst.Fd()), name, val, 0) })
		if err != nil && !privileged(name) {
			return &fs.PathError{Op: "setxattr " + name, Path: dst.Name(), Err: err}
		}
	}
	if !have[aclAccess] && inheritsACL(dst) {
		err := ignoringEINTR(func() error { return unix.Fremovexattr(int(dst.Fd()), aclAccess) })
		if err != nil && !errors.Is(err, errNoXattr) {
			return &fs.PathError{Op: "removexattr " + aclAccess, Path: dst.Name(), Err: err}
		}
	}
	return nil
}

// aclAccess is the extended attribute that holds a file's POSIX access ACL (Linux).
const aclAccess = "system.posix_acl_access"

// inheritsACL reports whether f, a new file, got an access ACL from its directory's default ACL.
func inheritsACL(f *os.File) bool {
	n, err := unix.Fgetxattr(int(f.Fd()), aclAccess, nil)
	return err == nil && n > 0
}

// privileged reports whether the extended attribute name is in a namespace that only a privileged
// process, or a security module's permission, may set: failing to copy it is not an error.
func privileged(name string) bool {
	return strings.HasPrefix(name, "trusted.") || strings.HasPrefix(name, "security.")
}

// listXattrs returns the names of f's extended attributes.
func listXattrs(f *os.File) ([]string, error) {
	fd := int(f.Fd())
	for {
		n, err := unix.Flistxattr(fd, nil)
		if err != nil || n == 0 {
			return nil, err
		}
		buf := make([]byte, n)
		n, err = unix.Flistxattr(fd, buf)
		if errors.Is(err, unix.ERANGE) {
			continue // grown meanwhile
		}
		if err != nil {
			return nil, err
		}
		var names []string
		for _, name := range strings.Split(string(buf[:n]), "\x00") {
			if name != "" {
				names = append(names, name)
			}
		}
		return names, nil
	}
}

// getXattr returns the value of f's extended attribute name, reusing buf.
func getXattr(f *os.File, name string, buf []byte) (val, newBuf []byte, err error) {
	fd := int(f.Fd())
	for {
		n, err := unix.Fgetxattr(fd, name, buf)
		switch {
		case err == nil && len(buf) > 0:
			return buf[:n], buf, nil
		case err == nil && n == 0:
			return nil, buf, nil // an empty value
		case err == nil || errors.Is(err, unix.ERANGE):
			if n, err = unix.Fgetxattr(fd, name, nil); err != nil {
				return nil, buf, err
			}
			buf = make([]byte, n+64)
		default:
			return nil, buf, err
		}
	}
}
