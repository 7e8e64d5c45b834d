package atomicfs

import (
	"io/fs"
	"testing"
)

// TestDiffFileOps compares the durable Rename, Remove and MkdirAll with os.Rename, os.Remove and
// os.MkdirAll, as TestDiff compares the writes with os.WriteFile.
func TestDiffFileOps(t *testing.T) {
	runDiffCases(t, diffFileOpCases(), nil)
}

// renameCase, removeCase and mkdirAllCase make c a case of Rename, Remove or MkdirAll.
func renameCase(c diffCase) diffCase {
	c.std, c.ours = diffOSRename, []string{diffRename}
	return c
}

func removeCase(c diffCase) diffCase {
	c.std, c.ours = diffOSRemove, []string{diffRemove}
	return c
}

func mkdirAllCase(c diffCase) diffCase {
	c.std, c.ours = diffOSMkdirAll, []string{diffMkdirAll}
	if c.perm == 0 {
		c.perm = 0o755
	}
	return c
}

// twoFiles makes d/a.json (root's) and d/b.json (alice's).
func twoFiles(t *testing.T, b *diffTree) {
	b.dir("d", 0o755, byRoot)
	b.file("d/a.json", "a\n", 0o644, byRoot)
	b.file("d/b.json", "old\n", 0o600, byAlice)
}

// drop makes drop/a.json in a directory alice may write and search but not read.
func drop(t *testing.T, b *diffTree) {
	b.dir("drop", 0o777, byRoot)
	b.file("drop/a.json", "a\n", 0o644, byAlice)
	b.chmod("drop", 0o333)
}

// diffFileOpCases are the scenarios of TestDiffFileOps.
func diffFileOpCases() []diffCase {
	return []diffCase{
		renameCase(diffCase{
			name: "rename in a directory the user may write and search but not read", setup: drop,
			target: "drop/a.json", to: "drop/b.json", as: asAlice,
		}),
		removeCase(diffCase{
			name: "remove in a directory the user may write and search but not read", setup: drop,
			target: "drop/a.json", as: asAlice,
		}),
		mkdirAllCase(diffCase{
			name: "mkdir in a directory the user may write and search but not read", setup: drop,
			target: "drop/a/b", as: asAlice,
		}),
		renameCase(diffCase{name: "rename over a file", setup: twoFiles, target: "d/a.json", to: "d/b.json"}),
		renameCase(diffCase{
			name: "rename into another directory",
			setup: func(t *testing.T, b *diffTree) {
				twoFiles(t, b)
				b.dir("e", 0o755, byRoot)
			},
			target: "d/a.json", to: "e/a.json",
		}),
		renameCase(diffCase{
			name: "rename onto another file system",
			setup: func(t *testing.T, b *diffTree) {
				twoFiles(t, b)
				b.dir("fs", 0o755, byRoot)
				b.mount("tmpfs", "fs", "tmpfs", 0, "size=1m,mode=0755")
			},
			target: "d/a.json", to: "fs/a.json",
		}),
		renameCase(diffCase{
			name: "rename a file over a directory",
			setup: func(t *testing.T, b *diffTree) {
				twoFiles(t, b)
				b.dir("d/sub", 0o755, byRoot)
			},
			target: "d/a.json", to: "d/sub",
		}),
		renameCase(diffCase{name: "rename a missing file", setup: twoFiles, target: "d/missing.json", to: "d/b.json"}),
		renameCase(diffCase{
			name: "rename over a symbolic link",
			setup: func(t *testing.T, b *diffTree) {
				twoFiles(t, b)
				b.symlink("b.json", "d/l.json", byRoot)
			},
			target: "d/a.json", to: "d/l.json",
		}),
		renameCase(diffCase{
			name: "rename in a sticky directory, another user's file",
			setup: func(t *testing.T, b *diffTree) {
				b.dir("tmp", 0o777|fs.ModeSticky, byRoot)
				b.file("tmp/mine.json", "a\n", 0o644, byBob)
				b.file("tmp/theirs.json", "old\n", 0o666, byAlice)
			},
			target: "tmp/mine.json", to: "tmp/theirs.json",
			as: asBob,
		}),
		removeCase(diffCase{name: "remove a file", setup: twoFiles, target: "d/a.json"}),
		removeCase(diffCase{name: "remove a missing file", setup: twoFiles, target: "d/missing.json"}),
		removeCase(diffCase{
			name: "remove an empty directory",
			setup: func(t *testing.T, b *diffTree) {
				b.dir("d", 0o755, byRoot)
				b.dir("d/sub", 0o755, byRoot)
			},
			target: "d/sub",
		}),
		removeCase(diffCase{name: "remove a directory that is not empty", setup: twoFiles, target: "d"}),
		removeCase(diffCase{
			name: "remove a symbolic link",
			setup: func(t *testing.T, b *diffTree) {
				twoFiles(t, b)
				b.symlink("b.json", "d/l.json", byRoot)
			},
			target: "d/l.json",
		}),
		mkdirAllCase(diffCase{
			name:   "mkdir nested directories",
			setup:  func(t *testing.T, b *diffTree) { b.dir("d", 0o755, byRoot) },
			target: "d/a/b/c",
		}),
		mkdirAllCase(diffCase{
			name: "mkdir under a setgid directory with a default ACL",
			setup: func(t *testing.T, b *diffTree) {
				b.dir("d", 0o777|fs.ModeSetgid, byRoot)
				setXattr(t, b.path("d"), "system.posix_acl_default", encodeACL([]aclEntry{
					{tag: aclUserObj, perm: 7}, {tag: aclUser, perm: 7, id: aliceUID}, {tag: aclGroupObj, perm: 5},
					{tag: aclMask, perm: 7}, {tag: aclOther, perm: 0},
				}))
			},
			target: "d/a/b",
			as:     asBob,
		}),
		mkdirAllCase(diffCase{name: "mkdir where a file is in the way", setup: twoFiles, target: "d/a.json/sub"}),
		mkdirAllCase(diffCase{name: "mkdir of a directory that exists", setup: twoFiles, target: "d"}),
	}
}
