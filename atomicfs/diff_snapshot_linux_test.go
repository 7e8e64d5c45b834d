package atomicfs

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// This file is what the differential tests see of a twin tree after a write, and how they
// compare two outcomes.

// snapshotTree describes every path under root.
func snapshotTree(t *testing.T, root string) map[string]diffEntry {
	t.Helper()
	tree := map[string]diffEntry{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		if IsTemp(d.Name()) {
			// Temp names are random: the twins can only agree on their shape.
			rel = filepath.Join(filepath.Dir(rel), d.Name()[:strings.LastIndex(d.Name(), ".tmp-")]+".tmp-RANDOM")
		}
		e, err := describe(root, path)
		if err != nil {
			return err
		}
		tree[rel] = e
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

// describe returns the diffEntry of path.
func describe(root, path string) (diffEntry, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return diffEntry{}, err
	}
	st := fi.Sys().(*syscall.Stat_t)
	e := diffEntry{
		Mode:  (fi.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)).String(),
		Owner: fmt.Sprintf("%d:%d", st.Uid, st.Gid),
		Links: uint64(st.Nlink),
	}
	switch m := fi.Mode(); {
	case m.IsRegular():
		e.Kind = "file"
		data, err := os.ReadFile(path)
		if err != nil {
			return e, err
		}
		if len(data) > 4096 {
			e.Data = fmt.Sprintf("%d bytes, sha256 %x", len(data), sha256.Sum256(data))
		} else {
			e.Data = strconv.Quote(string(data))
		}
	case m.IsDir():
		e.Kind = "dir"
	case m&fs.ModeSymlink != 0:
		e.Kind = "symlink"
		dest, err := os.Readlink(path)
		if err != nil {
			return e, err
		}
		e.Data = strings.ReplaceAll(dest, root, "ROOT")
	case m&fs.ModeNamedPipe != 0:
		e.Kind = "fifo"
	case m&fs.ModeSocket != 0:
		e.Kind = "socket"
	case m&fs.ModeCharDevice != 0:
		e.Kind = fmt.Sprintf("chardev %d:%d", st.Rdev>>8&0xfff, st.Rdev&0xff)
	case m&fs.ModeDevice != 0:
		e.Kind = "blockdev"
	}
	attrs, err := xattrs(path)
	if err != nil {
		return e, err
	}
	var names []string
	for name, v := range attrs {
		switch name {
		case "system.posix_acl_access":
			e.ACL = aclText(v)
		case "system.posix_acl_default":
			e.DefACL = aclText(v)
		default:
			names = append(names, name+"="+strconv.Quote(string(v)))
		}
	}
	sort.Strings(names)
	e.Xattrs = strings.Join(names, " ")
	if e.Kind == "file" || e.Kind == "dir" {
		flags, err := inodeFlags(path)
		if err != nil {
			return e, err
		}
		e.Flags = flagsText(flags)
	}
	return e, nil
}

// cloneOutcome copies o, so that a case's documented function can change the copy.
func cloneOutcome(o diffOutcome) diffOutcome {
	c := o
	c.tree = make(map[string]diffEntry, len(o.tree))
	for k, v := range o.tree {
		c.tree[k] = v
	}
	return c
}

// compareOutcomes fails the test where ours differs from want (os.WriteFile's outcome, turned
// into the documented one for a listed difference), saying what each did.
func compareOutcomes(t *testing.T, c diffCase, op string, std, want, ours diffOutcome) {
	t.Helper()
	ref := diffStd
	if c.std != "" {
		ref = c.std
	}
	var diffs []string
	if !ours.result.sameAs(want.result) {
		diffs = append(diffs, fmt.Sprintf("result: %s %v, %s %v", ref, std.result, op, ours.result))
		if c.differs != "" {
			diffs = append(diffs, fmt.Sprintf("  documented (%s): %v", c.differs, want.result))
		}
	}
	var paths []string
	for p := range want.tree {
		paths = append(paths, p)
	}
	for p := range ours.tree {
		if _, ok := want.tree[p]; !ok {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	for _, p := range paths {
		w, inWant := want.tree[p]
		o, inOurs := ours.tree[p]
		switch {
		case !inOurs:
			diffs = append(diffs, fmt.Sprintf("%s: missing (%s: %s)", p, ref, entryText(std.tree[p], p, std)))
		case !inWant:
			diffs = append(diffs, fmt.Sprintf("%s: stray %s (%s: %s)", p, entryText(o, p, ours), ref, entryText(std.tree[p], p, std)))
		case w != o:
			wv, ov := reflect.ValueOf(w), reflect.ValueOf(o)
			for i := range wv.NumField() {
				if wv.Field(i).Interface() != ov.Field(i).Interface() {
					diffs = append(diffs, fmt.Sprintf("%s: %s %q, want %q (%s: %q)", p, wv.Type().Field(i).Name,
						ov.Field(i).Interface(), wv.Field(i).Interface(), ref, reflect.ValueOf(std.tree[p]).Field(i).Interface()))
				}
			}
		}
	}
	if ours.extra != want.extra {
		diffs = append(diffs, fmt.Sprintf("observed %q, want %q (%s: %q)", ours.extra, want.extra, ref, std.extra))
	}
	if len(diffs) > 0 {
		t.Errorf("%s as %s differs from %s:\n\t%s", op, c.as.owner(), ref, strings.Join(diffs, "\n\t"))
	}
}

func entryText(e diffEntry, p string, o diffOutcome) string {
	if _, ok := o.tree[p]; !ok {
		return "absent"
	}
	return fmt.Sprintf("%+v", e)
}
