package atomicfs

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// This file reads and sets the metadata the differential tests compare: POSIX ACLs, extended
// attributes and inode flags, through the system calls (no external tools).

// POSIX ACL entries, as the kernel stores them in system.posix_acl_access (little endian: a
// 4-byte version header, then per entry a 2-byte tag, a 2-byte permission and a 4-byte id).
const (
	aclVersion   = 2
	aclUserObj   = 0x01
	aclUser      = 0x02
	aclGroupObj  = 0x04
	aclGroup     = 0x08
	aclMask      = 0x10
	aclOther     = 0x20
	aclUndefined = 0xffffffff
)

// aclEntry is one entry of a POSIX ACL.
type aclEntry struct {
	tag  uint16
	perm uint16 // rwx as 4, 2, 1
	id   uint32 // a uid or gid for aclUser and aclGroup
}

// encodeACL returns the xattr value for the entries, sorted as the kernel requires.
func encodeACL(entries []aclEntry) []byte {
	sorted := append([]aclEntry(nil), entries...)
	sort.Slice(sorted, func(i, j int) bool {
		if sorted[i].tag != sorted[j].tag {
			return sorted[i].tag < sorted[j].tag
		}
		return sorted[i].id < sorted[j].id
	})
	b := binary.LittleEndian.AppendUint32(nil, aclVersion)
	for _, e := range sorted {
		id := e.id
		if e.tag != aclUser && e.tag != aclGroup {
			id = aclUndefined
		}
		b = binary.LittleEndian.AppendUint16(b, e.tag)
		b = binary.LittleEndian.AppendUint16(b, e.perm)
		b = binary.LittleEndian.AppendUint32(b, id)
	}
	return b
}

// aclText renders an ACL xattr value the way getfacl abbreviates it: "u::rw-,u:1102:rw-,g::r--".
func aclText(b []byte) string {
	if len(b) < 4 || (len(b)-4)%8 != 0 {
		return fmt.Sprintf("malformed ACL %x", b)
	}
	var parts []string
	for e := b[4:]; len(e) > 0; e = e[8:] {
		tag, perm, id := binary.LittleEndian.Uint16(e), binary.LittleEndian.Uint16(e[2:]), binary.LittleEndian.Uint32(e[4:])
		rwx := []byte("---")
		for i, c := range "rwx" {
			if perm&(4>>i) != 0 {
				rwx[i] = byte(c)
			}
		}
		var who string
		switch tag {
		case aclUserObj:
			who = "u:"
		case aclUser:
			who = fmt.Sprintf("u:%d", id)
		case aclGroupObj:
			who = "g:"
		case aclGroup:
			who = fmt.Sprintf("g:%d", id)
		case aclMask:
			who = "m:"
		case aclOther:
			who = "o:"
		default:
			who = fmt.Sprintf("tag%#x:%d", tag, id)
		}
		parts = append(parts, who+":"+string(rwx))
	}
	return strings.Join(parts, ",")
}

// xattrs returns the extended attributes of path (not following a final symbolic link) as
// name -> value, system.posix_acl_* included.
func xattrs(path string) (map[string][]byte, error) {
	size, err := unix.Llistxattr(path, nil)
	if err != nil || size == 0 {
		return nil, ignoreUnsupported(err)
	}
	buf := make([]byte, size)
	size, err = unix.Llistxattr(path, buf)
	if err != nil {
		return nil, err
	}
	attrs := map[string][]byte{}
	for _, name := range strings.Split(strings.TrimRight(string(buf[:size]), "\x00"), "\x00") {
		n, err := unix.Lgetxattr(path, name, nil)
		if err != nil {
			return nil, fmt.Errorf("getxattr %s %s: %w", path, name, err)
		}
		v := make([]byte, n)
		if n, err = unix.Lgetxattr(path, name, v); err != nil {
			return nil, fmt.Errorf("getxattr %s %s: %w", path, name, err)
		}
		attrs[name] = v[:n]
	}
	return attrs, nil
}

func ignoreUnsupported(err error) error {
	if errors.Is(err, unix.ENOTSUP) || errors.Is(err, unix.ENOTTY) || errors.Is(err, unix.EINVAL) {
		return nil
	}
	return err
}

// setXattr sets an extended attribute of path, failing the test on error.
func setXattr(t *testing.T, path, name string, value []byte) {
	t.Helper()
	if err := unix.Lsetxattr(path, name, value, 0); err != nil {
		t.Fatalf("setxattr %s %s: %v", path, name, err)
	}
}

// Inode flags (FS_IOC_GETFLAGS, linux/fs.h), as chattr names them.
const (
	flagSecureRm    = 0x00000001 // +s
	flagUndelete    = 0x00000002 // +u
	flagCompress    = 0x00000004 // +c
	flagSync        = 0x00000008 // +S
	flagImmutable   = 0x00000010 // +i
	flagAppend      = 0x00000020 // +a
	flagNoDump      = 0x00000040 // +d
	flagNoAtime     = 0x00000080 // +A
	flagNoCompress  = 0x00000400 // +m
	flagNoTail      = 0x00008000 // +t
	flagDirSync     = 0x00010000 // +D
	flagTopDir      = 0x00020000 // +T
	flagUserVisible = 0x0003DFFF // FS_FL_USER_VISIBLE: what lsattr shows; the rest is bookkeeping
)

// inodeFlags returns the user-visible inode flags of a regular file or directory; 0 where the
// file system has none.
func inodeFlags(path string) (uint32, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return 0, err
	}
	defer unix.Close(fd)
	flags, err := unix.IoctlGetUint32(fd, unix.FS_IOC_GETFLAGS)
	if err != nil {
		return 0, ignoreUnsupported(err)
	}
	return flags & flagUserVisible, nil
}

// setInodeFlags sets the inode flags of path (like chattr =flags, keeping the file system's own
// flags), failing the test on error.
func setInodeFlags(t *testing.T, path string, flags uint32) {
	t.Helper()
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	old, err := unix.IoctlGetUint32(fd, unix.FS_IOC_GETFLAGS)
	if err != nil {
		t.Fatalf("FS_IOC_GETFLAGS %s: %v", path, err)
	}
	if err := unix.IoctlSetPointerInt(fd, unix.FS_IOC_SETFLAGS, int(old&^flagUserVisible|flags)); err != nil {
		t.Fatalf("FS_IOC_SETFLAGS %s: %v", path, err)
	}
}

// flagsText renders inode flags as chattr letters, for readable differences.
func flagsText(flags uint32) string {
	names := []struct {
		flag uint32
		c    byte
	}{{flagSecureRm, 's'}, {flagUndelete, 'u'}, {flagCompress, 'c'}, {flagSync, 'S'}, {flagImmutable, 'i'},
		{flagAppend, 'a'}, {flagNoDump, 'd'}, {flagNoAtime, 'A'}, {flagNoCompress, 'm'}, {flagNoTail, 't'},
		{flagDirSync, 'D'}, {flagTopDir, 'T'}}
	var b []byte
	for _, n := range names {
		if flags&n.flag != 0 {
			b = append(b, n.c)
			flags &^= n.flag
		}
	}
	if flags != 0 {
		b = fmt.Appendf(b, "+%#x", flags)
	}
	return string(b)
}
