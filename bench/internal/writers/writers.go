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
	"strconv"

	"github.com/atomicjson/atomicjson/atomicfs"
	"github.com/google/renameio/v2"
	"github.com/natefinch/atomic"
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
}

// Floor is the baseline: the minimal durable atomic write, written by hand.
const Floor = "floor"

// All returns the contenders, the floor first.
func All() []Writer {
	return []Writer{
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
	}
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
