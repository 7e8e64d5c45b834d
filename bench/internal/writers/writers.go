// Package writers holds the contenders of the WriteFile benchmark: the
// durable-atomic floor, the standard library, the peers and atomicfs, each
// with what it guarantees.
package writers

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"

	"github.com/atomicjson/atomicjson/atomicfs"
	"github.com/google/renameio/v2"
	"github.com/natefinch/atomic"
	"golang.org/x/sys/unix"
)

// Guarantees says what a contender promises about the target after it
// returns and after a crash or power cut at any moment.
type Guarantees struct {
	// Atomic: a reader or a crash sees the old content or the new, never a mix.
	Atomic bool
	// DurableFile: the new bytes are on stable storage (fsync) before the
	// call returns, or, for a rename-based write, before the rename.
	DurableFile bool
	// DurableRename: the directory entry naming the new content is on
	// stable storage (directory fsync) before the call returns.
	DurableRename bool
	// Verified: the written bytes are checked before they replace the target.
	Verified bool
}

// Writer is one contender.
type Writer struct {
	// Name is the label in tables and benchmark names.
	Name string
	// Guarantees is what the contender promises.
	Guarantees Guarantees
	// Note is a short remark for the table.
	Note string
	// Write replaces the file at path with data (permissions 0644).
	Write func(path string, data []byte) error
	// Prepare, if set, runs once on the target after its first write, before
	// the timed writes: it gives the target what the contender must keep.
	Prepare func(path string) error
	// Kept, if set, checks after the timed writes that the target still has
	// what Prepare gave it.
	Kept func(path string) error
}

// Floor is the baseline: the minimal durable atomic write, written by hand.
const Floor = "floor"

// All returns the contenders, the floor first.
func All() []Writer {
	all := []Writer{
		{Name: Floor, Guarantees: Guarantees{true, true, true, false},
			Note: "temp in same dir, write, fsync, close, rename, dir fsync", Write: floorWrite},
		{Name: "os.WriteFile", Guarantees: Guarantees{false, false, false, false},
			Note: "truncates, then writes in place", Write: osWriteFile},
		{Name: "os.WriteFile+fsync", Guarantees: Guarantees{false, true, false, false},
			Note: "truncates, writes in place, fsync", Write: osWriteFileSync},
		{Name: "renameio/v2", Guarantees: Guarantees{true, true, false, false},
			Note: "no dir fsync; temp in $TMPDIR when on the same mount", Write: renameioWrite},
		{Name: "natefinch/atomic", Guarantees: Guarantees{true, true, false, false},
			Note: "no dir fsync", Write: natefinchWrite},
		{Name: "atomicfs", Guarantees: Guarantees{true, true, true, true},
			Note: "the zero-option call: reads the temp file back and compares it with data before the rename", Write: atomicfsWrite},
		{Name: "atomicfs WithoutVerify", Guarantees: Guarantees{true, true, true, false},
			Note: "shows what the read-back verification costs", Write: atomicfsNoVerify},
		{Name: "atomicfs, ACL + xattrs", Guarantees: Guarantees{true, true, true, true},
			Note: "the target has a POSIX ACL and two user xattrs, which every write carries over", Write: atomicfsWrite,
			Prepare: giveACLAndXattrs, Kept: keptACLAndXattrs},
	}
	if runtime.GOOS == "linux" { // the only platform where atomicfs offers it
		all = append(all, Writer{Name: "atomicfs WithDeviceVerify", Guarantees: Guarantees{true, true, true, true},
			Note: "reads the temp file back from the device: its cached pages are dropped after the fsync", Write: atomicfsDeviceVerify})
	}
	return all
}

// floorWrite is the least a durable atomic write can do: a uniquely named
// temp file in the target's directory, created with the final permissions,
// written, fsynced and closed, renamed over the target, and the directory
// fsynced so that the rename survives a power cut.
func floorWrite(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp := path + ".tmp" + strconv.FormatUint(rand.Uint64(), 36)
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	if err := d.Sync(); err != nil {
		d.Close()
		return err
	}
	return d.Close()
}

func osWriteFile(path string, data []byte) error {
	return os.WriteFile(path, data, 0o644)
}

func osWriteFileSync(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func renameioWrite(path string, data []byte) error {
	return renameio.WriteFile(path, data, 0o644)
}

func natefinchWrite(path string, data []byte) error {
	return atomic.WriteFile(path, bytes.NewReader(data))
}

func atomicfsWrite(path string, data []byte) error {
	return atomicfs.WriteFile(path, data, 0o644)
}

func atomicfsNoVerify(path string, data []byte) error {
	return atomicfs.WriteFile(path, data, 0o644, atomicfs.WithoutVerify())
}

func atomicfsDeviceVerify(path string, data []byte) error {
	return atomicfs.WriteFile(path, data, 0o644, atomicfs.WithDeviceVerify())
}

// Check reports an error unless the file at path holds exactly want.
func Check(path string, want []byte) error {
	got, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if !bytes.Equal(got, want) {
		return fmt.Errorf("%s holds %d bytes, want the %d written", path, len(got), len(want))
	}
	return nil
}

// giveACLAndXattrs gives path a POSIX access ACL with a named user and a
// mask, and two user extended attributes: what a replacement must carry over
// (and what the floor, which keeps nothing, does not pay for).
func giveACLAndXattrs(path string) error {
	// The Linux xattr form of an ACL: version 2, then (tag, perm, id)
	// entries sorted by tag: user::rw- user:1234:rw- group::r-- mask::rw- other::r--.
	acl := []byte{2, 0, 0, 0}
	for _, e := range []struct {
		tag, perm uint16
		id        uint32
	}{{0x01, 6, 0xffffffff}, {0x02, 6, 1234}, {0x04, 4, 0xffffffff}, {0x10, 6, 0xffffffff}, {0x20, 4, 0xffffffff}} {
		acl = append(acl, byte(e.tag), byte(e.tag>>8), byte(e.perm), byte(e.perm>>8),
			byte(e.id), byte(e.id>>8), byte(e.id>>16), byte(e.id>>24))
	}
	if err := unix.Setxattr(path, "system.posix_acl_access", acl, 0); err != nil {
		return fmt.Errorf("set ACL: %w", err)
	}
	for _, name := range []string{"user.origin", "user.checksum"} {
		if err := unix.Setxattr(path, name, []byte("benchmark value of "+name), 0); err != nil {
			return fmt.Errorf("set %s: %w", name, err)
		}
	}
	return nil
}

// keptACLAndXattrs reports an error unless path still has the ACL and the
// extended attributes giveACLAndXattrs gave it.
func keptACLAndXattrs(path string) error {
	buf := make([]byte, 256)
	for _, name := range []string{"system.posix_acl_access", "user.origin", "user.checksum"} {
		if _, err := unix.Getxattr(path, name, buf); err != nil {
			return fmt.Errorf("%s lost %s: %w", path, name, err)
		}
	}
	return nil
}
