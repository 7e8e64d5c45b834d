package atomicfs

import (
	"errors"
	"fmt"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// deviceVerifySupported reports whether WithDeviceVerify can make the read-back come from the
// storage on this platform.
const deviceVerifySupported = true

// zfsSuperMagic is ZFS's file-system type (statfs f_type), which golang.org/x/sys/unix does not
// name.
const zfsSuperMagic = 0x2fc12fc1

// dropCachedPages makes the next reads of f come from the file system's storage: it asks the
// kernel to drop f's page cache (after an fsync the pages are clean, and clean pages that no
// process has mapped or locked are dropped), then checks with mincore(2) that none of the file's
// pages is still in memory. A page that stayed — written again since the fsync (dirty), or mapped
// by another process — fails the verification (ErrVerify), rather than a read-back from memory
// being passed off as one from the device. On tmpfs and ramfs the
// memory is the storage: nothing to drop. ZFS serves reads from its own cache (the ARC), which
// cannot be dropped for one file: refused.
func dropCachedPages(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var dropErr error
	if err := rc.Control(func(fd uintptr) { dropErr = dropAndCheck(int(fd)) }); err != nil {
		return err
	}
	return dropErr
}

func dropAndCheck(fd int) error {
	var sfs unix.Statfs_t
	if err := unix.Fstatfs(fd, &sfs); err != nil {
		return os.NewSyscallError("fstatfs", err)
	}
	switch uint32(sfs.Type) {
	case unix.TMPFS_MAGIC, unix.RAMFS_MAGIC:
		return nil
	case zfsSuperMagic:
		return fmt.Errorf("WithDeviceVerify: ZFS answers reads from its own cache (the ARC), which cannot be dropped for one file: %w", errors.ErrUnsupported)
	}
	if err := unix.Fadvise(fd, 0, 0, unix.FADV_DONTNEED); err != nil {
		return os.NewSyscallError("fadvise", err)
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return os.NewSyscallError("fstat", err)
	}
	resident, pages, err := residentPages(fd, st.Size)
	if err != nil {
		return err
	}
	if resident > 0 {
		return fmt.Errorf("%w: WithDeviceVerify: %d of the file's %d pages stayed in memory after POSIX_FADV_DONTNEED (changed since the fsync, or mapped by another process): the read-back would not come from the storage", ErrVerify, resident, pages)
	}
	return nil
}

// residentWindow is how much of the file residentPages maps at a time, so that a large file
// needs no large address range (on 32-bit systems in particular).
const residentWindow = 64 << 20

// residentPages returns how many of the pages of the file fd, size bytes long, are in the page
// cache, and how many pages it has: mincore(2) over a read-only shared mapping of it, which
// reports the page cache's residency without reading anything in.
func residentPages(fd int, size int64) (resident, pages int64, err error) {
	pageSize := int64(unix.Getpagesize())
	vec := make([]byte, residentWindow/pageSize)
	for off := int64(0); off < size; off += residentWindow {
		n := min(size-off, residentWindow)
		mem, err := unix.Mmap(fd, off, int(n), unix.PROT_READ, unix.MAP_SHARED)
		if err != nil {
			return 0, 0, os.NewSyscallError("mmap", err)
		}
		np := (n + pageSize - 1) / pageSize
		_, _, errno := unix.Syscall(unix.SYS_MINCORE, uintptr(unsafe.Pointer(&mem[0])), uintptr(n), uintptr(unsafe.Pointer(&vec[0])))
		unix.Munmap(mem)
		if errno != 0 {
			return 0, 0, os.NewSyscallError("mincore", errno)
		}
		for _, v := range vec[:np] {
			resident += int64(v & 1)
		}
		pages += np
	}
	return resident, pages, nil
}
