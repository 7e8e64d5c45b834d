package atomicfs

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// readBytes returns this process's read_bytes from /proc/self/io: the bytes it caused to be read
// from block devices (all threads, exited ones included).
func readBytes(t testing.TB) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/io")
	if err != nil {
		skipOrFailInCI(t, "no /proc/self/io (a kernel without task I/O accounting?): %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "read_bytes: "); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatalf("no read_bytes in /proc/self/io (%v)", sc.Err())
	return 0
}

func skipOrFailInCI(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

// diskDir returns a directory on a block-device file system, where read_bytes counts the reads
// of a file: t.TempDir() unless that is in memory (tmpfs, as /tmp is on some systems) or not on
// a local block device, else a temporary directory under the package's own directory.
func diskDir(t testing.TB) string {
	t.Helper()
	onDisk := func(dir string) bool {
		var st unix.Statfs_t
		if err := unix.Statfs(dir, &st); err != nil {
			t.Fatal(err)
		}
		switch uint32(st.Type) {
		case unix.TMPFS_MAGIC, unix.RAMFS_MAGIC, unix.NFS_SUPER_MAGIC, unix.FUSE_SUPER_MAGIC, unix.V9FS_MAGIC:
			return false
		}
		return true
	}
	if dir := t.TempDir(); onDisk(dir) {
		return dir
	}
	dir, err := os.MkdirTemp(".", ".test-device-verify-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if !onDisk(dir) {
		skipOrFailInCI(t, "neither the temp directory nor the package directory is on a block device")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// TestDeviceVerifyReadsTheDevice shows, with the kernel's own I/O accounting, where the read-back
// comes from: under WithDeviceVerify the process reads at least the whole file from the block
// device during the write (for a small file and for one large enough that the default
// read-back would run beside the fsync), while the default read-back, served from the page
// cache, reads less than half of it. Not parallel: read_bytes counts the whole process.
func TestDeviceVerifyReadsTheDevice(t *testing.T) {
	dir := diskDir(t)
	for _, size := range []int{4000, 1 << 20} {
		data := bytes.Repeat([]byte("device-verify "), size/14+1)[:size]
		for _, c := range []struct {
			name   string
			opts   []Option
			device bool
		}{
			{"default", nil, false},
			{"WithDeviceVerify", []Option{WithDeviceVerify()}, true},
		} {
			t.Run(c.name+"/"+strconv.Itoa(size), func(t *testing.T) {
				target := filepath.Join(dir, c.name+".json")
				// A first write, so that the code and the target are in memory before measuring.
				if err := WriteFile(target, data, 0o644, c.opts...); err != nil {
					t.Fatal(err)
				}
				before := readBytes(t)
				if err := WriteFile(target, data, 0o644, c.opts...); err != nil {
					t.Fatal(err)
				}
				read := readBytes(t) - before
				t.Logf("%d-byte file: %d bytes read from the device", size, read)
				if c.device && read < int64(size) {
					t.Errorf("WithDeviceVerify read %d bytes from the device for a %d-byte file: the read-back came from the page cache", read, size)
				}
				if !c.device && size >= 1<<20 && read >= int64(size/2) {
					t.Errorf("the default read-back read %d bytes from the device for a %d-byte file: the control does not hold", read, size)
				}
				wantContent(t, target, data)
			})
		}
	}
}

// TestDeviceVerifyCatchesWrongDeviceData: with the pages dropped, a read that the seam corrupts
// stands for a device returning other bytes than were written; the write fails with ErrVerify.
// (The fault itself cannot be provoked on a real device; the read_bytes test above shows that the
// reads being checked are the device's.)
func TestDeviceVerifyCatchesWrongDeviceData(t *testing.T) {
	dir := diskDir(t)
	target := filepath.Join(dir, "state.json")
	writeRaw(t, target, []byte("old"), 0o644)
	withOps(t, func(o *fileOps) {
		o.readAt = func(f *os.File, p []byte, off int64) (int, error) {
			n, err := f.ReadAt(p, off)
			if n > 0 {
				p[n-1] ^= 0x80
			}
			return n, err
		}
	})
	err := WriteFile(target, verifyData, 0o644, WithDeviceVerify())
	wantStepError(t, err, "verify", target)
	wantContent(t, target, []byte("old"))
	wantNoTemps(t, dir)
}

// TestDeviceVerifyRefusesPagesKeptInMemory: when the temp file's pages cannot be dropped because
// another mapping holds them (here a mapping made during the fsync and kept until the write has
// returned), WithDeviceVerify fails with ErrVerify instead of reading back from memory.
func TestDeviceVerifyRefusesPagesKeptInMemory(t *testing.T) {
	faultSink = 0
	dir := diskDir(t)
	target := filepath.Join(dir, "state.json")
	writeRaw(t, target, []byte("old"), 0o644)
	var mapped []byte
	t.Cleanup(func() {
		if mapped != nil {
			unix.Munmap(mapped)
		}
	})
	withOps(t, func(o *fileOps) {
		o.sync = func(f *os.File) error {
			if err := f.Sync(); err != nil {
				return err
			}
			var err error
			mapped, err = unix.Mmap(int(f.Fd()), 0, len(verifyData), unix.PROT_READ, unix.MAP_SHARED)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < len(mapped); i += 4096 {
				faultSink += mapped[i] // fault every page in
			}
			return nil
		}
	})
	err := WriteFile(target, verifyData, 0o644, WithDeviceVerify())
	wantStepError(t, err, "verify", target)
	if !errors.Is(err, ErrVerify) || !strings.Contains(err.Error(), "stayed in memory") {
		t.Fatalf("got %v, want ErrVerify saying the pages stayed in memory", err)
	}
	wantContent(t, target, []byte("old"))
	wantNoTemps(t, dir)
}

// faultSink keeps the reads that fault pages in from being optimized away.
var faultSink byte
