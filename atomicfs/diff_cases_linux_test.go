package atomicfs

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// diffCases are the differential scenarios: each is built twice and written by os.WriteFile and
// by atomicfs (see diff_linux_test.go). A case with differs is a row of the README's drop-in
// differences table, and its documented function is that row.
func diffCases() []diffCase {
	const old = "old\n"
	quoted := strconv.Quote
	return []diffCase{
		{
			name:   "new file",
			setup:  func(t *testing.T, b *diffTree) { b.dir("d", 0o755, byRoot) },
			target: "d/new.json",
		},
		{
			name: "existing file keeps owner and mode",
			setup: func(t *testing.T, b *diffTree) {
				b.file("t.json", old, 0o640, byAlice)
			},
			target: "t.json",
			perm:   0o600,
		},
		{
			name:    "protected_symlinks: root through another user's link in a sticky dir",
			sysctls: map[string]string{"fs/protected_symlinks": "1"},
			setup: func(t *testing.T, b *diffTree) {
				b.file("secret.json", "secret\n", 0o600, byRoot)
				b.dir("tmp", 0o777|fs.ModeSticky, byRoot)
				b.symlink("ROOT/secret.json", "tmp/app.json", byAlice)
			},
			target: "tmp/app.json",
		},
		{
			name:    "protected_symlinks off: the link is followed",
			sysctls: map[string]string{"fs/protected_symlinks": "0"},
			setup: func(t *testing.T, b *diffTree) {
				b.file("secret.json", "secret\n", 0o600, byRoot)
				b.dir("tmp", 0o777|fs.ModeSticky, byRoot)
				b.symlink("ROOT/secret.json", "tmp/app.json", byAlice)
			},
			target: "tmp/app.json",
		},
		{
			name:    "protected_symlinks: a dangling link of another user in a sticky dir",
			sysctls: map[string]string{"fs/protected_symlinks": "1"},
			setup: func(t *testing.T, b *diffTree) {
				b.dir("tmp", 0o777|fs.ModeSticky, byRoot)
				b.symlink("ROOT/created.json", "tmp/app.json", byAlice)
			},
			target: "tmp/app.json",
		},
		{
			name:    "protected_regular: root writing another user's file in a sticky dir",
			sysctls: map[string]string{"fs/protected_regular": "1"},
			setup: func(t *testing.T, b *diffTree) {
				b.dir("tmp", 0o777|fs.ModeSticky, byRoot)
				b.file("tmp/app.json", old, 0o666, byAlice)
			},
			target: "tmp/app.json",
		},
		{
			name:    "protected_regular: a user writing another user's file in a sticky dir",
			sysctls: map[string]string{"fs/protected_regular": "1"},
			setup: func(t *testing.T, b *diffTree) {
				b.dir("tmp", 0o777|fs.ModeSticky, byRoot)
				b.file("tmp/app.json", old, 0o666, byAlice)
			},
			target: "tmp/app.json",
			as:     asBob,
		},
		{
			name:    "sticky dir refuses the rename",
			sysctls: map[string]string{"fs/protected_regular": "0"},
			setup: func(t *testing.T, b *diffTree) {
				b.dir("tmp", 0o777|fs.ModeSticky, byRoot)
				b.file("tmp/app.json", old, 0o666, byAlice)
			},
			target:  "tmp/app.json",
			as:      asBob,
			differs: "Another user's file in a sticky directory",
			documented: func(want *diffOutcome) {
				want.result = diffResult{Failed: true, Errno: int(syscall.EPERM)}
				keepEntry(want, "tmp/app.json", func(e *diffEntry) { e.Data = quoted(old) })
			},
		},
		{
			name: "dot-dot after a symlinked dir",
			setup: func(t *testing.T, b *diffTree) {
				dotDotTree(t, b)
				b.file("other/t.json", old, 0o644, byRoot)
			},
			target: "dir/l.json",
		},
		{
			name:   "dot-dot after a symlinked dir, dangling",
			setup:  dotDotTree,
			target: "dir/l.json",
		},
		{
			name: "dangling relative link",
			setup: func(t *testing.T, b *diffTree) {
				b.dir("d", 0o755, byRoot)
				b.symlink("../e/created.json", "d/l.json", byRoot)
				b.dir("e", 0o755, byRoot)
			},
			target: "d/l.json",
		},
		{
			name: "dangling link into a missing dir",
			setup: func(t *testing.T, b *diffTree) {
				b.symlink("missing/created.json", "l.json", byRoot)
			},
			target: "l.json",
		},
		{
			name: "dangling link into a dir the user may not write",
			setup: func(t *testing.T, b *diffTree) {
				b.dir("ro", 0o755, byRoot)
				b.dir("mine", 0o755, byAlice)
				b.symlink("../ro/created.json", "mine/l.json", byAlice)
			},
			target: "mine/l.json",
			as:     asAlice,
		},
		{
			name: "group kept when a member of it writes",
			setup: func(t *testing.T, b *diffTree) {
				b.dir("shared", 0o775, owner{0, projGID})
				b.file("shared/t.json", old, 0o660, owner{aliceUID, projGID})
			},
			target:  "shared/t.json",
			as:      asBob,
			differs: "The owner, when the writer is not root",
			documented: func(want *diffOutcome) {
				keepEntry(want, "shared/t.json", func(e *diffEntry) { e.Owner = fmt.Sprintf("%d:%d", bobUID, projGID) })
			},
		},
		{
			name: "owner and group not kept by a user",
			setup: func(t *testing.T, b *diffTree) {
				b.dir("pub", 0o777, byRoot)
				b.file("pub/t.json", old, 0o666, byAlice)
			},
			target:  "pub/t.json",
			as:      asBob,
			differs: "The owner, when the writer is not root",
			documented: func(want *diffOutcome) {
				keepEntry(want, "pub/t.json", func(e *diffEntry) { e.Owner = asBob.owner() })
			},
		},
		{
			name: "owner and group not kept by a user, setgid directory",
			setup: func(t *testing.T, b *diffTree) {
				b.dir("shared", 0o777|fs.ModeSetgid, owner{0, projGID})
				b.file("shared/t.json", old, 0o666, byAlice)
			},
			target:  "shared/t.json",
			as:      asBob,
			differs: "The owner, when the writer is not root",
			documented: func(want *diffOutcome) {
				// The group a new file gets there: the directory's.
				keepEntry(want, "shared/t.json", func(e *diffEntry) { e.Owner = fmt.Sprintf("%d:%d", bobUID, projGID) })
			},
		},
		{
			name:   "ACL kept, written by root",
			setup:  aclTree,
			target: "shared/t.json",
		},
		{
			name:    "ACL kept, written by the user it grants",
			setup:   aclTree,
			target:  "shared/t.json",
			as:      asBob,
			differs: "The owner, when the writer is not root",
			documented: func(want *diffOutcome) {
				keepEntry(want, "shared/t.json", func(e *diffEntry) { e.Owner = fmt.Sprintf("%d:%d", bobUID, projGID) })
			},
		},
		{
			name: "default ACL of the directory, new file",
			setup: func(t *testing.T, b *diffTree) {
				b.dir("d", 0o755, byRoot)
				setXattr(t, b.path("d"), "system.posix_acl_default", encodeACL([]aclEntry{
					{tag: aclUserObj, perm: 6}, {tag: aclUser, perm: 6, id: bobUID}, {tag: aclGroupObj, perm: 4},
					{tag: aclMask, perm: 6}, {tag: aclOther, perm: 4},
				}))
			},
			target: "d/new.json",
			perm:   0o666,
		},
		{
			name: "extended attributes kept, written by root",
			setup: func(t *testing.T, b *diffTree) {
				b.file("t.json", old, 0o644, byAlice)
				setXattr(t, b.path("t.json"), "user.comment", []byte("kept"))
				setXattr(t, b.path("t.json"), "security.note", []byte("label"))
				setXattr(t, b.path("t.json"), "trusted.note", []byte("trusted"))
			},
			target: "t.json",
		},
		{
			name: "user extended attribute kept, written by a user",
			setup: func(t *testing.T, b *diffTree) {
				b.dir("pub", 0o777, byRoot)
				b.file("pub/t.json", old, 0o666, byBob)
				setXattr(t, b.path("pub/t.json"), "user.comment", []byte("kept"))
			},
			target: "pub/t.json",
			as:     asBob,
		},
		{
			// A write removes file capabilities (the kernel's killpriv), even root's write.
			name: "file capabilities dropped by the write",
			setup: func(t *testing.T, b *diffTree) {
				b.file("tool", old, 0o755, byRoot)
				setXattr(t, b.path("tool"), "security.capability", fileCaps(unix.CAP_NET_BIND_SERVICE))
			},
			target: "tool",
		},
		{
			name: "inode flags +d +A kept",
			setup: func(t *testing.T, b *diffTree) {
				b.file("t.json", old, 0o644, byRoot)
				setInodeFlags(t, b.path("t.json"), flagNoDump|flagNoAtime)
			},
			target: "t.json",
		},
		{
			name: "inode flags +s +u +S +c +t kept",
			setup: func(t *testing.T, b *diffTree) {
				b.file("t.json", old, 0o644, byRoot)
				setInodeFlags(t, b.path("t.json"), flagSecureRm|flagUndelete|flagSync|flagCompress|flagNoTail)
			},
			target: "t.json",
		},
		{
			name: "large and many extended attributes kept",
			setup: func(t *testing.T, b *diffTree) {
				b.file("t.json", old, 0o644, byRoot)
				setXattr(t, b.path("t.json"), "user.big", []byte(strings.Repeat("x", 3000)+"\x00end"))
				for i := range 20 {
					setXattr(t, b.path("t.json"), fmt.Sprintf("user.n%02d", i), []byte{byte(i), 0, 0xff})
				}
			},
			target: "t.json",
		},
		{
			name: "ACL and extended attributes kept, written by the owner",
			setup: func(t *testing.T, b *diffTree) {
				b.dir("mine", 0o755, byAlice)
				b.file("mine/t.json", old, 0o640, byAlice)
				setXattr(t, b.path("mine/t.json"), "user.comment", []byte("kept"))
				setXattr(t, b.path("mine/t.json"), "system.posix_acl_access", encodeACL([]aclEntry{
					{tag: aclUserObj, perm: 6}, {tag: aclGroup, perm: 4, id: projGID}, {tag: aclGroupObj, perm: 0},
					{tag: aclMask, perm: 4}, {tag: aclOther, perm: 0},
				}))
			},
			target: "mine/t.json",
			as:     asAlice,
		},
		{
			name: "ACL and user extended attribute kept on tmpfs",
			setup: func(t *testing.T, b *diffTree) {
				b.dir("fs", 0o755, byRoot)
				b.mount("tmpfs", "fs", "tmpfs", 0, "size=1m,mode=0755")
				b.file("fs/t.json", old, 0o660, byAlice)
				setXattr(t, b.path("fs/t.json"), "user.comment", []byte("kept"))
				setXattr(t, b.path("fs/t.json"), "system.posix_acl_access", encodeACL([]aclEntry{
					{tag: aclUserObj, perm: 6}, {tag: aclUser, perm: 6, id: bobUID}, {tag: aclGroupObj, perm: 4},
					{tag: aclMask, perm: 6}, {tag: aclOther, perm: 0},
				}))
			},
			target: "fs/t.json",
		},
		{
			name:   "empty data",
			setup:  func(t *testing.T, b *diffTree) { b.file("t.json", old, 0o644, byRoot) },
			target: "t.json",
			data:   func() (string, error) { return "", nil },
		},
		{
			// The kernel clears setuid and setgid at the truncation, even when nothing is written.
			name: "setuid and setgid file, emptied by its owner",
			setup: func(t *testing.T, b *diffTree) {
				b.dir("mine", 0o755, byAlice)
				b.file("mine/tool", old, 0o755|fs.ModeSetuid|fs.ModeSetgid, byAlice)
			},
			target: "mine/tool",
			as:     asAlice,
			data:   func() (string, error) { return "", nil },
		},
		{
			name:   "immutable file refused",
			setup:  func(t *testing.T, b *diffTree) { lockedFile(t, b, flagImmutable) },
			target: "t.json",
		},
		{
			name:   "append-only file refused",
			setup:  func(t *testing.T, b *diffTree) { lockedFile(t, b, flagAppend) },
			target: "t.json",
		},
		{
			name: "read-only file, written by its owner",
			setup: func(t *testing.T, b *diffTree) {
				b.dir("mine", 0o755, byAlice)
				b.file("mine/t.json", old, 0o444, byAlice)
			},
			target: "mine/t.json",
			as:     asAlice,
		},
		{
			name:   "read-only file, written by root",
			setup:  func(t *testing.T, b *diffTree) { b.file("t.json", old, 0o444, byAlice) },
			target: "t.json",
		},
		{
			name: "read-only bind mount, existing file",
			setup: func(t *testing.T, b *diffTree) {
				b.dir("ro", 0o755, byRoot)
				b.file("ro/t.json", old, 0o644, byRoot)
				readOnlyBind(b, "ro")
			},
			target: "ro/t.json",
		},
		{
			name: "read-only bind mount, new file",
			setup: func(t *testing.T, b *diffTree) {
				b.dir("ro", 0o755, byRoot)
				readOnlyBind(b, "ro")
			},
			target: "ro/new.json",
		},
		{
			name:   "directory",
			setup:  func(t *testing.T, b *diffTree) { b.dir("t.json", 0o755, byRoot) },
			target: "t.json",
		},
		{
			name:   "trailing slash on a file",
			setup:  func(t *testing.T, b *diffTree) { b.file("t.json", old, 0o644, byRoot) },
			target: "t.json/",
		},
		{
			name:   "trailing slash on a missing name",
			target: "t.json/",
		},
		{
			name: "FIFO with a reader",
			setup: func(t *testing.T, b *diffTree) {
				if err := syscall.Mkfifo(b.path("fifo"), 0o644); err != nil {
					t.Fatal(err)
				}
				fd, err := syscall.Open(b.path("fifo"), syscall.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
				if err != nil {
					t.Fatal(err)
				}
				b.fd = fd
				t.Cleanup(func() { syscall.Close(fd) })
			},
			observe: func(t *testing.T, b *diffTree) string {
				buf := make([]byte, 4096)
				n, err := syscall.Read(b.fd, buf)
				if err != nil && !errors.Is(err, syscall.EAGAIN) {
					t.Fatal(err)
				}
				return "reader got " + quoted(string(buf[:max(n, 0)]))
			},
			target:  "fifo",
			skipOps: []string{diffUpdate},
			differs: "A device, FIFO or socket",
			documented: func(want *diffOutcome) {
				want.result = diffResult{Failed: true, NotRegular: true}
				want.extra = "reader got " + quoted("")
			},
		},
		{
			name: "character device",
			setup: func(t *testing.T, b *diffTree) {
				if err := syscall.Mknod(b.path("null"), syscall.S_IFCHR|0o666, int(unix.Mkdev(1, 3))); err != nil {
					t.Fatal(err)
				}
			},
			target:  "null",
			skipOps: []string{diffUpdate},
			differs: "A device, FIFO or socket",
			documented: func(want *diffOutcome) {
				want.result = diffResult{Failed: true, NotRegular: true}
			},
		},
		{
			name: "unix socket",
			setup: func(t *testing.T, b *diffTree) {
				fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
				if err != nil {
					t.Fatal(err)
				}
				defer syscall.Close(fd)
				if err := syscall.Bind(fd, &syscall.SockaddrUnix{Name: b.path("sock")}); err != nil {
					t.Fatal(err)
				}
			},
			target:  "sock",
			skipOps: []string{diffUpdate},
			differs: "A device, FIFO or socket",
			documented: func(want *diffOutcome) {
				want.result = diffResult{Failed: true, NotRegular: true}
			},
		},
		{
			name:   "setuid and setgid file, written by root",
			setup:  func(t *testing.T, b *diffTree) { b.file("tool", old, 0o755|fs.ModeSetuid|fs.ModeSetgid, byAlice) },
			target: "tool",
		},
		{
			name: "setuid and setgid file, written by its owner",
			setup: func(t *testing.T, b *diffTree) {
				b.dir("mine", 0o755, byAlice)
				b.file("mine/tool", old, 0o755|fs.ModeSetuid|fs.ModeSetgid, byAlice)
			},
			target: "mine/tool",
			as:     asAlice,
		},
		{
			name: "writable file in a read-only directory",
			setup: func(t *testing.T, b *diffTree) {
				b.dir("ro", 0o755, byAlice)
				b.file("ro/t.json", old, 0o644, byAlice)
				b.chmod("ro", 0o555)
			},
			target:  "ro/t.json",
			as:      asAlice,
			differs: "A writable file in a directory the writer may not change",
			documented: func(want *diffOutcome) {
				want.result = diffResult{Failed: true, Errno: int(syscall.EACCES)}
				keepEntry(want, "ro/t.json", func(e *diffEntry) { e.Data = quoted(old) })
			},
		},
		{
			name: "hard link",
			setup: func(t *testing.T, b *diffTree) {
				b.file("a.json", old, 0o644, byRoot)
				if err := os.Link(b.path("a.json"), b.path("b.json")); err != nil {
					t.Fatal(err)
				}
			},
			target:  "a.json",
			differs: "A hard-linked file",
			documented: func(want *diffOutcome) {
				keepEntry(want, "a.json", func(e *diffEntry) { e.Links = 1 })
				keepEntry(want, "b.json", func(e *diffEntry) { e.Links, e.Data = 1, quoted(old) })
			},
		},
		{
			name: "file system out of inodes",
			setup: func(t *testing.T, b *diffTree) {
				b.dir("fs", 0o755, byRoot)
				b.mount("tmpfs", "fs", "tmpfs", 0, "size=1m,nr_inodes=8,mode=0755")
				b.file("fs/t.json", old, 0o644, byRoot)
				fillInodes(t, b.path("fs"))
			},
			target:  "fs/t.json",
			differs: "A file system out of inodes",
			documented: func(want *diffOutcome) {
				want.result = diffResult{Failed: true, Errno: int(syscall.ENOSPC)}
				keepEntry(want, "fs/t.json", func(e *diffEntry) { e.Data = quoted(old) })
			},
		},
		{
			name:    "procfs file",
			target:  "/proc/sys/fs/protected_regular",
			data:    func() (string, error) { return "1\n", nil },
			skipOps: []string{diffUpdate},
			observe: func(t *testing.T, b *diffTree) string { return readText(t, "/proc/sys/fs/protected_regular") },
			differs: "procfs and sysfs files",
			documented: func(want *diffOutcome) {
				want.result = diffResult{Failed: true, NotRegular: true}
			},
		},
		{
			name:    "sysfs file",
			target:  thpEnabled,
			data:    currentTHPMode,
			skipOps: []string{diffUpdate},
			observe: func(t *testing.T, b *diffTree) string { return readText(t, thpEnabled) },
			differs: "procfs and sysfs files",
			documented: func(want *diffOutcome) {
				want.result = diffResult{Failed: true, NotRegular: true}
			},
		},
		{
			name: "dangling link of the sticky dir's owner",
			setup: func(t *testing.T, b *diffTree) {
				b.dir("tmp", 0o777|fs.ModeSticky, byAlice)
				b.symlink("ROOT/created.json", "tmp/app.json", byAlice)
			},
			target: "tmp/app.json",
		},
		{
			name: "symbolic link loop",
			setup: func(t *testing.T, b *diffTree) {
				b.symlink("b.json", "a.json", byRoot)
				b.symlink("a.json", "b.json", byRoot)
			},
			target: "a.json",
		},
		{
			name: "link to a file on another file system",
			setup: func(t *testing.T, b *diffTree) {
				b.dir("fs", 0o755, byRoot)
				b.mount("tmpfs", "fs", "tmpfs", 0, "size=1m,mode=0755")
				b.file("fs/t.json", old, 0o644, byAlice)
				b.symlink("fs/t.json", "l.json", byRoot)
			},
			target: "l.json",
		},
		{
			name: "bind-mounted file",
			setup: func(t *testing.T, b *diffTree) {
				b.file("src.json", "mounted\n", 0o644, byRoot)
				b.file("t.json", old, 0o644, byRoot)
				b.mount(b.path("src.json"), "t.json", "", syscall.MS_BIND, "")
			},
			target:  "t.json",
			differs: "A file that is a mount point",
			documented: func(want *diffOutcome) {
				want.result = diffResult{Failed: true, Errno: int(syscall.EBUSY)}
				keepEntry(want, "t.json", func(e *diffEntry) { e.Data = quoted("mounted\n") })
				keepEntry(want, "src.json", func(e *diffEntry) { e.Data = quoted("mounted\n") })
			},
		},
		{
			name:    "file reached through its descriptor in procfs",
			setup:   func(t *testing.T, b *diffTree) { b.file("t.json", old, 0o644, byRoot) },
			hold:    "t.json",
			target:  "/proc/self/fd/FD",
			differs: "A file held open",
			documented: func(want *diffOutcome) {
				want.result.Held = old
			},
		},
		{
			name:    "file held open by the writer",
			setup:   func(t *testing.T, b *diffTree) { b.file("t.json", old, 0o644, byRoot) },
			hold:    "t.json",
			target:  "t.json",
			differs: "A file held open",
			documented: func(want *diffOutcome) {
				want.result.Held = old
			},
		},
		{
			name: "file watched with inotify",
			setup: func(t *testing.T, b *diffTree) {
				b.file("t.json", old, 0o644, byRoot)
				b.fd = watchFile(t, b.path("t.json"))
			},
			target:  "t.json",
			observe: func(t *testing.T, b *diffTree) string { return watchedEvents(t, b.fd) },
			differs: "A file watched with inotify",
			documented: func(want *diffOutcome) {
				want.extra = "the watch saw the file deleted"
			},
		},
		{
			name:   "missing parent directory",
			target: "missing/t.json",
		},
		{
			name:   "parent is a file",
			setup:  func(t *testing.T, b *diffTree) { b.file("f", old, 0o644, byRoot) },
			target: "f/t.json",
		},
		{
			name: "directory the user may not search",
			setup: func(t *testing.T, b *diffTree) {
				b.dir("closed", 0o700, byRoot)
				b.file("closed/t.json", old, 0o666, byRoot)
			},
			target: "closed/t.json",
			as:     asAlice,
		},
		{
			name: "new file in a directory the user may write and search but not read",
			setup: func(t *testing.T, b *diffTree) {
				b.dir("drop", 0o333, byRoot)
			},
			target:  "drop/new.json",
			as:      asAlice,
			skipOps: []string{diffUpdate},
		},
		{
			name:    "Update of a new file in a directory the user may write and search but not read",
			setup:   func(t *testing.T, b *diffTree) { b.dir("drop", 0o333, byRoot) },
			target:  "drop/new.json",
			as:      asAlice,
			skipOps: []string{diffWriteFile, diffCreate, diffWriteJSON},
			differs: "Update of a new file in a directory the writer may not read",
			documented: func(want *diffOutcome) {
				want.result = diffResult{Failed: true, Errno: int(syscall.EACCES)}
				dropEntry(want, "drop/new.json")
			},
		},
		{
			name: "new file in a setgid directory",
			setup: func(t *testing.T, b *diffTree) {
				b.dir("shared", 0o2777, owner{0, projGID})
			},
			target: "shared/new.json",
			as:     asBob,
		},
		{
			name:   "255-byte name",
			setup:  func(t *testing.T, b *diffTree) { b.file(strings.Repeat("n", 250)+".json", old, 0o644, byRoot) },
			target: strings.Repeat("n", 250) + ".json",
		},
		{
			name:   "256-byte name",
			target: strings.Repeat("n", 251) + ".json",
		},
		{
			name: "another user's read-only file in a writable directory",
			setup: func(t *testing.T, b *diffTree) {
				b.dir("pub", 0o777, byRoot)
				b.file("pub/t.json", old, 0o644, byAlice)
			},
			target: "pub/t.json",
			as:     asBob,
		},
		{
			name:   "mode 0000, written by root",
			setup:  func(t *testing.T, b *diffTree) { b.file("t.json", old, 0, byAlice) },
			target: "t.json",
		},
		{
			name: "no ACL on the file, a default ACL on its directory",
			setup: func(t *testing.T, b *diffTree) {
				b.dir("d", 0o755, byRoot)
				b.file("d/t.json", old, 0o640, byAlice)
				setXattr(t, b.path("d"), "system.posix_acl_default", encodeACL([]aclEntry{
					{tag: aclUserObj, perm: 7}, {tag: aclUser, perm: 7, id: bobUID}, {tag: aclGroupObj, perm: 5},
					{tag: aclMask, perm: 7}, {tag: aclOther, perm: 5},
				}))
			},
			target: "d/t.json",
		},
		{
			name: "extended attribute of a file the user may write but not read",
			setup: func(t *testing.T, b *diffTree) {
				b.dir("pub", 0o777, byRoot)
				b.file("pub/t.json", old, 0o622, byAlice)
				setXattr(t, b.path("pub/t.json"), "user.comment", []byte("kept"))
			},
			target:  "pub/t.json",
			as:      asBob,
			skipOps: []string{diffUpdate}, // Update reads the file first: EACCES, as os.ReadFile would
			differs: "Extended attributes the writer may not read or set",
			documented: func(want *diffOutcome) {
				keepEntry(want, "pub/t.json", func(e *diffEntry) { e.Owner, e.Xattrs = asBob.owner(), "" })
			},
		},
		{
			name: "trusted and security extended attributes, written by a user",
			setup: func(t *testing.T, b *diffTree) {
				b.dir("pub", 0o777, byRoot)
				b.file("pub/t.json", old, 0o666, byBob)
				setXattr(t, b.path("pub/t.json"), "user.comment", []byte("kept"))
				setXattr(t, b.path("pub/t.json"), "security.note", []byte("label"))
				setXattr(t, b.path("pub/t.json"), "trusted.note", []byte("trusted"))
			},
			target:  "pub/t.json",
			as:      asBob,
			differs: "Extended attributes the writer may not read or set",
			documented: func(want *diffOutcome) {
				keepEntry(want, "pub/t.json", func(e *diffEntry) { e.Xattrs = `user.comment="kept"` })
			},
		},
		{
			name: "writable file in an immutable directory",
			setup: func(t *testing.T, b *diffTree) {
				b.dir("d", 0o755, byRoot)
				b.file("d/t.json", old, 0o644, byRoot)
				lockInode(t, b.path("d"), flagImmutable)
			},
			target:  "d/t.json",
			differs: "A writable file in a directory the writer may not change",
			documented: func(want *diffOutcome) {
				want.result = diffResult{Failed: true, Errno: int(syscall.EPERM)}
				keepEntry(want, "d/t.json", func(e *diffEntry) { e.Data = quoted(old) })
			},
		},
		{
			name:   "new file, perm 0777 under umask 022",
			setup:  func(t *testing.T, b *diffTree) { b.dir("d", 0o755, byRoot) },
			target: "d/new.json",
			perm:   0o777,
		},
		{
			name: "setgid file, written by a member of its group",
			setup: func(t *testing.T, b *diffTree) {
				b.dir("shared", 0o775, owner{0, projGID})
				b.file("shared/tool", old, 0o775|fs.ModeSetuid|fs.ModeSetgid, owner{aliceUID, projGID})
			},
			target:  "shared/tool",
			as:      asBob,
			differs: "The owner, when the writer is not root",
			documented: func(want *diffOutcome) {
				keepEntry(want, "shared/tool", func(e *diffEntry) { e.Owner = fmt.Sprintf("%d:%d", bobUID, projGID) })
			},
		},
		{
			// Without group execute, setgid marks mandatory locking: a write by a member of the
			// group keeps it.
			name: "setgid without group execute, written by its owner",
			setup: func(t *testing.T, b *diffTree) {
				b.dir("mine", 0o755, byAlice)
				b.file("mine/t.json", old, 0o664|fs.ModeSetgid, byAlice)
			},
			target: "mine/t.json",
			as:     asAlice,
		},
		{
			name: "link to a directory",
			setup: func(t *testing.T, b *diffTree) {
				b.dir("d", 0o755, byRoot)
				b.symlink("d", "l.json", byRoot)
			},
			target: "l.json",
		},
		{
			name: "link with .. in a directory reached through a link",
			setup: func(t *testing.T, b *diffTree) {
				b.dir("real", 0o755, byRoot)
				b.dir("real/sub", 0o755, byRoot)
				b.file("real/t.json", old, 0o644, byRoot)
				b.symlink("real/sub", "linkdir", byRoot)
				b.symlink("../t.json", "real/sub/l.json", byRoot)
			},
			target: "linkdir/l.json",
		},
		{
			name: "file system with room for one copy of the file",
			setup: func(t *testing.T, b *diffTree) {
				b.dir("fs", 0o755, byRoot)
				b.mount("tmpfs", "fs", "tmpfs", 0, "size=64k,mode=0755")
				b.file("fs/t.json", strings.Repeat("o", 40<<10), 0o644, byRoot)
			},
			target:  "fs/t.json",
			data:    func() (string, error) { return strings.Repeat("n", 40<<10), nil },
			differs: "A file system with room for one copy of the file",
			documented: func(want *diffOutcome) {
				want.result = diffResult{Failed: true, Errno: int(syscall.ENOSPC)}
				keepEntry(want, "fs/t.json", func(e *diffEntry) {
					e.Data = fmt.Sprintf("%d bytes, sha256 %x", 40<<10, sha256.Sum256([]byte(strings.Repeat("o", 40<<10))))
				})
			},
		},
		{
			name: "writable file in an append-only directory",
			setup: func(t *testing.T, b *diffTree) {
				b.dir("d", 0o755, byRoot)
				b.file("d/t.json", old, 0o644, byRoot)
				lockInode(t, b.path("d"), flagAppend)
			},
			target:  "d/t.json",
			differs: "A writable file in an append-only directory",
			documented: func(want *diffOutcome) {
				want.result = diffResult{Failed: true, Errno: int(syscall.EPERM)}
				keepEntry(want, "d/t.json", func(e *diffEntry) { e.Data = quoted(old) })
			},
		},
		{
			name:     "missing parents in a directory the user may write and search but not read",
			setup:    func(t *testing.T, b *diffTree) { b.dir("drop", 0o333, byRoot) },
			target:   "drop/a/new.json",
			as:       asAlice,
			mkdirAll: true,
		},
		{
			name:     "missing parents, created",
			setup:    func(t *testing.T, b *diffTree) { b.dir("d", 0o755, byRoot) },
			target:   "d/a/b/new.json",
			mkdirAll: true,
		},
		{
			name: "missing parents, created in a setgid directory with a default ACL",
			setup: func(t *testing.T, b *diffTree) {
				b.dir("d", 0o777|fs.ModeSetgid, owner{0, projGID})
				setXattr(t, b.path("d"), "system.posix_acl_default", encodeACL([]aclEntry{
					{tag: aclUserObj, perm: 7}, {tag: aclUser, perm: 7, id: aliceUID}, {tag: aclGroupObj, perm: 5},
					{tag: aclMask, perm: 7}, {tag: aclOther, perm: 0},
				}))
			},
			target:   "d/a/b/new.json",
			as:       asBob,
			mkdirAll: true,
		},
		{
			name: "missing parents in a directory the user may not write",
			setup: func(t *testing.T, b *diffTree) {
				b.dir("d", 0o755, byRoot)
			},
			target:   "d/a/new.json",
			as:       asBob,
			mkdirAll: true,
		},
		{
			name: "missing parents, the first in the way a file",
			setup: func(t *testing.T, b *diffTree) {
				b.file("d", old, 0o644, byRoot)
			},
			target:   "d/a/new.json",
			mkdirAll: true,
		},
	}
}

// keepEntry changes the entry of path in want, failing loudly if the case's tree lacks it.
func keepEntry(want *diffOutcome, path string, change func(*diffEntry)) {
	e, ok := want.tree[path]
	if !ok {
		panic("documented difference for " + path + ", which os.WriteFile's tree lacks")
	}
	change(&e)
	want.tree[path] = e
}

// dropEntry removes path from want, failing loudly if the case's tree lacks it.
func dropEntry(want *diffOutcome, path string) {
	if _, ok := want.tree[path]; !ok {
		panic("documented difference for " + path + ", which os.WriteFile's tree lacks")
	}
	delete(want.tree, path)
}

// dotDotTree makes dir/l.json -> sub/../t.json with dir/sub a link to other/deep: the kernel
// resolves ".." in the real directory, so the link names other/t.json, not dir/t.json.
func dotDotTree(t *testing.T, b *diffTree) {
	b.dir("dir", 0o755, byRoot)
	b.dir("other", 0o755, byRoot)
	b.dir("other/deep", 0o755, byRoot)
	b.symlink("../other/deep", "dir/sub", byRoot)
	b.symlink("sub/../t.json", "dir/l.json", byRoot)
}

// aclTree makes shared/t.json, alice:proj 0660, with an ACL granting bob rw- and the owning
// group only r--: the mode's group bits show the mask (rw-), so dropping the ACL would give the
// group write access.
func aclTree(t *testing.T, b *diffTree) {
	b.dir("shared", 0o777, byRoot)
	b.file("shared/t.json", "old\n", 0o660, owner{aliceUID, projGID})
	setXattr(t, b.path("shared/t.json"), "system.posix_acl_access", encodeACL([]aclEntry{
		{tag: aclUserObj, perm: 6}, {tag: aclUser, perm: 6, id: bobUID}, {tag: aclGroupObj, perm: 4},
		{tag: aclMask, perm: 6}, {tag: aclOther, perm: 0},
	}))
}

// watchFile returns an inotify descriptor watching path (closed after the test).
func watchFile(t *testing.T, path string) int {
	fd, err := unix.InotifyInit1(unix.IN_NONBLOCK | unix.IN_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	if _, err := unix.InotifyAddWatch(fd, path, unix.IN_MODIFY|unix.IN_DELETE_SELF); err != nil {
		t.Fatal(err)
	}
	return fd
}

// watchedEvents says what the watch of watchFile saw: the file modified, deleted, both or neither.
func watchedEvents(t *testing.T, fd int) string {
	var modified, deleted bool
	buf := make([]byte, 64<<10)
	for {
		n, err := unix.Read(fd, buf)
		if errors.Is(err, unix.EAGAIN) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for b := buf[:n]; len(b) >= unix.SizeofInotifyEvent; {
			ev := (*unix.InotifyEvent)(unsafe.Pointer(&b[0]))
			modified = modified || ev.Mask&unix.IN_MODIFY != 0
			deleted = deleted || ev.Mask&unix.IN_DELETE_SELF != 0
			b = b[unix.SizeofInotifyEvent+int(ev.Len):]
		}
	}
	switch {
	case modified && deleted:
		return "the watch saw the file modified and deleted"
	case modified:
		return "the watch saw the file modified"
	case deleted:
		return "the watch saw the file deleted"
	}
	return "the watch saw nothing"
}

// fileCaps returns a security.capability value (VFS_CAP_REVISION_2, little endian: the magic and
// flags, then permitted and inheritable, low and high words) granting capability c as permitted
// and effective.
func fileCaps(c uint) []byte {
	const revision2, effective = 0x02000000, 0x000001
	v := binary.LittleEndian.AppendUint32(nil, revision2|effective)
	v = binary.LittleEndian.AppendUint32(v, 1<<c)
	return append(v, make([]byte, 12)...)
}

// lockedFile makes t.json with an inode flag that forbids writing it (+i, +a), cleared again
// before the twin is removed.
func lockedFile(t *testing.T, b *diffTree, flag uint32) {
	b.file("t.json", "old\n", 0o644, byRoot)
	lockInode(t, b.path("t.json"), flag)
}

// lockInode sets an inode flag that forbids changes (+i, +a) on path, cleared again before the
// twin is removed.
func lockInode(t *testing.T, path string, flag uint32) {
	setInodeFlags(t, path, flag)
	t.Cleanup(func() { setInodeFlags(t, path, 0) })
}

// readOnlyBind bind-mounts the directory rel on itself, read-only.
func readOnlyBind(b *diffTree, rel string) {
	b.mount(b.path(rel), rel, "", syscall.MS_BIND, "")
	if err := syscall.Mount("", b.path(rel), "", syscall.MS_BIND|syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		b.t.Fatalf("remount %s read-only: %v", b.path(rel), err)
	}
}

// fillInodes creates empty files in dir until its file system has no inode left.
func fillInodes(t *testing.T, dir string) {
	for i := 0; ; i++ {
		f, err := os.Create(fmt.Sprintf("%s/fill%d", dir, i))
		if errors.Is(err, syscall.ENOSPC) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		if i > 1000 {
			t.Fatal("the small tmpfs never ran out of inodes")
		}
	}
}

func readText(t *testing.T, path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// thpEnabled is a sysfs file that root may write: transparent huge pages' mode.
const thpEnabled = "/sys/kernel/mm/transparent_hugepage/enabled"

// currentTHPMode returns the selected mode of thpEnabled ("always [madvise] never" selects
// madvise): writing it back changes nothing.
func currentTHPMode() (string, error) {
	data, err := os.ReadFile(thpEnabled)
	if err != nil {
		return "", err
	}
	s := string(data)
	i, j := strings.IndexByte(s, '['), strings.IndexByte(s, ']')
	if i < 0 || j < i {
		return "", fmt.Errorf("%s: no selected mode in %q", thpEnabled, s)
	}
	return s[i+1 : j], nil
}
