package atomicfs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// This file is the differential harness: a scenario (a diffCase) is built twice, in twin
// directories, then written once with os.WriteFile and once with each atomicfs call, each in a
// child process (the re-executed test binary) running as the scenario's user, and the outcomes
// are compared: the error (success, errno, ErrNotRegular) and the whole tree — every path's
// type, mode, owner, link count, content, ACLs, extended attributes and inode flags.

// The users of the scenarios. None needs to exist: the children get these ids directly.
const (
	aliceUID, aliceGID = 1101, 1101
	bobUID, bobGID     = 1102, 1102
	carolUID, carolGID = 1103, 1103
	projGID            = 2001 // a group shared by alice and bob
)

// A diffCred is whom a child runs as. The zero diffCred is root.
type diffCred struct {
	uid, gid uint32
	groups   []uint32
}

var (
	asAlice = diffCred{uid: aliceUID, gid: aliceGID, groups: []uint32{projGID}}
	asBob   = diffCred{uid: bobUID, gid: bobGID, groups: []uint32{projGID}}
)

func (c diffCred) owner() string { return fmt.Sprintf("%d:%d", c.uid, c.gid) }

// The writes compared. diffStd is the reference: os.WriteFile.
const (
	diffStd       = "os.WriteFile"
	diffWriteFile = "WriteFile"
	diffCreate    = "Create/Commit"
	diffWriteJSON = "WriteJSON"
	diffUpdate    = "Update"
)

// The durable file operations compared with the os ones.
const (
	diffOSRename   = "os.Rename"
	diffRename     = "Rename"
	diffOSRemove   = "os.Remove"
	diffRemove     = "Remove"
	diffOSMkdirAll = "os.MkdirAll"
	diffMkdirAll   = "MkdirAll"
)

// diffOps are the atomicfs calls TestDiff compares with os.WriteFile.
var diffOps = []string{diffWriteFile, diffCreate, diffWriteJSON, diffUpdate}

// diffData is what every side writes unless a case says otherwise: exactly what WriteJSON writes
// for diffValue.
const diffData = `{"v":"new"}` + "\n"

var diffValue = map[string]string{"v": "new"}

// A diffCase is one scenario.
type diffCase struct {
	name string
	// sysctls are set (under /proc/sys) for the case and restored after it, on top of the
	// defaults TestDiff sets (Debian's: protected_symlinks and protected_regular on).
	sysctls map[string]string
	// setup builds the scenario under root, as root; it runs once for each side.
	setup func(t *testing.T, b *diffTree)
	// target is the path written, relative to the twin's root unless absolute.
	target string
	perm   fs.FileMode // 0: 0644
	as     diffCred
	// skipOps are the atomicfs calls that do not apply (Update would read a FIFO first).
	skipOps []string
	// data returns what is written (default diffData); a case with its own data skips WriteJSON.
	data func() (string, error)
	// observe records more of the outcome than the tree (what a FIFO reader got, a /proc file).
	observe func(t *testing.T, b *diffTree) string
	// hold is a file (relative to the root) the writing child opens before the write, reading it
	// again after; "FD" in target becomes its descriptor number.
	hold string
	// mkdirAll creates the target's missing parents: os.MkdirAll(dir, 0755) before os.WriteFile,
	// WithMkdirAll(0755) for atomicfs.
	mkdirAll bool
	// std and ours name the calls compared when they are not os.WriteFile and the writes (the
	// durable Rename, Remove and MkdirAll against the os ones); to is Rename's new name.
	std  string
	ours []string
	to   string

	// differs names the README's drop-in differences row this case asserts; documented then turns
	// os.WriteFile's outcome into the one atomicfs must have. Without differs the outcomes must be
	// identical.
	differs    string
	documented func(want *diffOutcome)
}

// diffResult is a child's report of its write.
type diffResult struct {
	Failed     bool   `json:"failed"`
	Errno      int    `json:"errno"`       // the syscall.Errno in the error, if any
	NotRegular bool   `json:"not_regular"` // errors.Is(err, ErrNotRegular)
	DirSync    bool   `json:"dir_sync"`    // errors.Is(err, ErrDirSync): done, but not made durable
	Held       string `json:"held"`        // what the case's held descriptor reads after the write
	Msg        string `json:"msg"`         // the error text, for the failure message only
}

func (r diffResult) String() string {
	if r.Held != "" {
		return r.outcome() + ", the held descriptor reads " + strconv.Quote(r.Held)
	}
	return r.outcome()
}

func (r diffResult) outcome() string {
	switch {
	case !r.Failed:
		return "success"
	case r.NotRegular:
		return "ErrNotRegular (" + r.Msg + ")"
	case r.DirSync:
		return "ErrDirSync, " + syscall.Errno(r.Errno).Error() + " (" + r.Msg + ")"
	case r.Errno != 0:
		return syscall.Errno(r.Errno).Error() + " (" + r.Msg + ")"
	}
	return "error without errno (" + r.Msg + ")"
}

// sameAs reports whether two results are the same outcome (the messages may differ).
func (r diffResult) sameAs(o diffResult) bool {
	return r.Failed == o.Failed && r.Errno == o.Errno && r.NotRegular == o.NotRegular && r.DirSync == o.DirSync &&
		r.Held == o.Held
}

// diffEntry is what the comparison sees of one path of a twin tree.
type diffEntry struct {
	Kind   string // file, dir, symlink, fifo, chardev, blockdev, socket
	Mode   string // permission and special bits
	Owner  string // uid:gid
	Links  uint64
	Data   string // a file's content (or its SHA-256 past 4 KiB); a link's target (twin root as ROOT)
	ACL    string // system.posix_acl_access
	DefACL string // system.posix_acl_default
	Xattrs string // every other extended attribute, name=value, sorted
	Flags  string // inode flags, as chattr letters
}

// diffOutcome is the result of one side.
type diffOutcome struct {
	result diffResult
	tree   map[string]diffEntry
	extra  string // what the case's observe recorded
}

// TestDiff runs every differential case: os.WriteFile against each atomicfs call (with -short,
// against WriteFile and Update only: Create/Commit and WriteJSON share WriteFile's path).
func TestDiff(t *testing.T) {
	ops := diffOps
	if testing.Short() {
		ops = []string{diffWriteFile, diffUpdate}
	}
	runDiffCases(t, diffCases(), ops)
}

// runDiffCases runs the cases, comparing os.WriteFile with each of ops that the case does not
// skip.
func runDiffCases(t *testing.T, cases []diffCase, ops []string) {
	requireRoot(t)
	bin := diffBinary(t)
	holdSysctls(t)
	setSysctls(t, map[string]string{"fs/protected_symlinks": "1", "fs/protected_regular": "1"})
	rows := readDifferencesTable(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			setSysctls(t, c.sysctls)
			data := diffData
			if c.data != nil {
				d, err := c.data()
				if err != nil {
					t.Fatal(err)
				}
				data = d
			}
			stdOp, ops := diffStd, ops
			if c.std != "" {
				stdOp, ops = c.std, c.ours
			}
			std := runDiffSide(t, bin, c, stdOp, data)
			t.Logf("%s as %s: %v", stdOp, c.as.owner(), std.result)
			want := std
			if c.documented != nil {
				want = cloneOutcome(std)
				c.documented(&want)
				wantRowNamesError(t, rows, c, want.result)
			}
			for _, op := range ops {
				if slices.Contains(c.skipOps, op) || op == diffWriteJSON && c.data != nil {
					continue
				}
				t.Run(op, func(t *testing.T) {
					ours := runDiffSide(t, bin, c, op, data)
					t.Logf("%s as %s: %v", op, c.as.owner(), ours.result)
					compareOutcomes(t, c, op, std, want, ours)
				})
			}
		})
	}
}

// requireRoot skips a test that needs root, unless CI is set: there it fails.
func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatal("the differential tests need root (they run children as other users); CI runs as root")
	}
	t.Skip("the differential tests need root: they run children as other users, set sysctls and mount")
}

// diffBinary returns a copy of the test binary that every user may execute: the go command
// builds it in a directory only its owner may enter.
func diffBinary(t *testing.T) string {
	dir := sharedTempDir(t)
	bin := filepath.Join(dir, "atomicfs.test")
	copyExecutable(t, os.Args[0], bin)
	return bin
}

// sharedTempDir is t.TempDir, made enterable by every user (t.TempDir makes it and its parent
// 0700).
func sharedTempDir(t *testing.T) string {
	dir := t.TempDir()
	for _, d := range []string{dir, filepath.Dir(dir)} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// holdSysctls takes, for the rest of the test, a lock that every run of these tests on the
// machine takes before it changes a sysctl: the settings are global, and two runs at once (two
// developers' go test, or -count with -p) would each see the other's.
func holdSysctls(t *testing.T) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(os.TempDir(), "atomicfs-difftest-sysctl.lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if err := ignoringEINTR(func() error { return syscall.Flock(int(f.Fd()), syscall.LOCK_EX) }); err != nil {
		f.Close()
		t.Fatalf("locking the sysctls: %v", err)
	}
	t.Cleanup(func() { f.Close() }) // registered first, so it runs after the sysctls are restored
}

// setSysctls sets /proc/sys values for the rest of the test and restores the old ones after it.
func setSysctls(t *testing.T, values map[string]string) {
	t.Helper()
	for name, v := range values {
		path := filepath.Join("/proc/sys", name)
		old, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(v), 0o644); err != nil {
			t.Fatalf("setting %s: %v", name, err)
		}
		t.Cleanup(func() {
			if err := os.WriteFile(path, old, 0o644); err != nil {
				t.Errorf("restoring %s: %v", name, err)
			}
		})
	}
}

// runDiffSide builds the case in a fresh twin directory, runs op in a child as the case's user
// and returns the outcome.
func runDiffSide(t *testing.T, bin string, c diffCase, op, data string) diffOutcome {
	t.Helper()
	b := &diffTree{t: t, root: sharedTempDir(t)}
	if c.setup != nil {
		c.setup(t, b)
	}
	w := diffWriteArgs{Op: op, Target: c.target, Data: data, Perm: c.perm, MkdirAll: c.mkdirAll}
	if !filepath.IsAbs(w.Target) {
		w.Target = b.path(w.Target)
	}
	if c.to != "" {
		w.To = b.path(c.to)
	}
	if w.Perm == 0 {
		w.Perm = 0o644
	}
	if c.hold != "" {
		w.Hold = b.path(c.hold)
	}
	res := runDiffChild(t, bin, c.as, b.root, w)
	out := diffOutcome{result: res, tree: snapshotTree(t, b.root)}
	if c.observe != nil {
		out.extra = c.observe(t, b)
	}
	return out
}

// diffWriteArgs tell a child what to write, and how.
type diffWriteArgs struct {
	Op       string      // diffStd or one of diffOps
	Target   string      // the path written ("FD" stands for Hold's descriptor)
	Hold     string      // a file the child opens before the write and reads after it
	Data     string      // what is written
	Perm     fs.FileMode // the perm argument
	MkdirAll bool        // create missing parents (os.MkdirAll; atomicfs.WithMkdirAll), mode 0755
	To       string      // the new name, for a rename
}

// diffChildTimeout bounds a child's write: a write that blocks (an open FIFO without a reader)
// fails the case instead of hanging the tests.
const diffChildTimeout = 30 * time.Second

func runDiffChild(t *testing.T, bin string, as diffCred, dir string, w diffWriteArgs) diffResult {
	t.Helper()
	args, err := json.Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), diffChildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), childEnv+"=diff", "ATOMICFS_DIFF_ARGS="+string(args))
	cmd.SysProcAttr = as.sysProcAttr()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child %s as %s: %v\n%s", w.Op, as.owner(), err, stderr.Bytes())
	}
	var res diffResult
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("child %s: bad report %q: %v", w.Op, out, err)
	}
	return res
}

func (c diffCred) sysProcAttr() *syscall.SysProcAttr {
	if c.uid == 0 && c.gid == 0 && c.groups == nil {
		return nil
	}
	return &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: c.uid, Gid: c.gid, Groups: c.groups}}
}

func init() {
	children["diff"] = func() error {
		var w diffWriteArgs
		if err := json.Unmarshal([]byte(os.Getenv("ATOMICFS_DIFF_ARGS")), &w); err != nil {
			return err
		}
		syscall.Umask(0o022)
		var held *os.File
		if w.Hold != "" {
			var err error
			if held, err = os.Open(w.Hold); err != nil {
				return err
			}
			w.Target = strings.ReplaceAll(w.Target, "FD", strconv.Itoa(int(held.Fd())))
		}
		var res diffResult
		if err := diffWrite(w); err != nil {
			res = diffResult{Failed: true, Msg: err.Error(),
				NotRegular: errors.Is(err, ErrNotRegular), DirSync: errors.Is(err, ErrDirSync)}
			var errno syscall.Errno
			if errors.As(err, &errno) {
				res.Errno = int(errno)
			}
		}
		if held != nil {
			data, err := io.ReadAll(io.NewSectionReader(held, 0, 1<<20))
			if err != nil {
				return err
			}
			res.Held = string(data)
		}
		return json.NewEncoder(os.Stdout).Encode(res)
	}
}

// diffWrite writes as w says, with the call w.Op names.
func diffWrite(w diffWriteArgs) error {
	data := []byte(w.Data)
	var opts []Option
	if w.MkdirAll {
		opts = append(opts, WithMkdirAll(0o755))
	}
	switch w.Op {
	case diffStd:
		if w.MkdirAll {
			if err := os.MkdirAll(filepath.Dir(w.Target), 0o755); err != nil {
				return err
			}
		}
		return os.WriteFile(w.Target, data, w.Perm)
	case diffWriteFile:
		return WriteFile(w.Target, data, w.Perm, opts...)
	case diffCreate:
		f, err := Create(w.Target, w.Perm, opts...)
		if err != nil {
			return err
		}
		defer f.Close()
		half := len(data) / 2
		if _, err := f.Write(data[:half]); err != nil {
			return err
		}
		if _, err := f.Write(data[half:]); err != nil {
			return err
		}
		return f.Commit()
	case diffWriteJSON:
		return WriteJSON(w.Target, diffValue, w.Perm, opts...)
	case diffUpdate:
		return Update(w.Target, w.Perm, func([]byte) ([]byte, error) { return data, nil }, opts...)
	case diffOSRename:
		return os.Rename(w.Target, w.To)
	case diffRename:
		return Rename(w.Target, w.To)
	case diffOSRemove:
		return os.Remove(w.Target)
	case diffRemove:
		return Remove(w.Target)
	case diffOSMkdirAll:
		return os.MkdirAll(w.Target, w.Perm)
	case diffMkdirAll:
		return MkdirAll(w.Target, w.Perm)
	}
	return fmt.Errorf("unknown op %q", w.Op)
}
