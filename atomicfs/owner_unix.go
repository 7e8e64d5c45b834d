//go:build unix

package atomicfs

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// keepOwner gives the temp file f the owner and group of the existing target fi, when the process
// may: only root may give a file away, and an owner may only choose one of its own groups. A
// refusal (EPERM) leaves the temp file owned by the writer, as a new file would be.
func keepOwner(f *os.File, fi fs.FileInfo) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	uid, gid := int(st.Uid), int(st.Gid)
	if uid == os.Geteuid() && gid == os.Getegid() {
		return nil
	}
	err := f.Chown(uid, gid)
	if errors.Is(err, syscall.EPERM) {
		return nil
	}
	return err
}
