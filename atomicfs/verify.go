package atomicfs

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"runtime"
	"sync"
)

// verifyChunk is the size of the reads that verify a written file. Reading in place into one
// reused buffer costs a copy from the page cache and a compare per byte, nothing more.
const verifyChunk = 128 << 10

var verifyBufs = sync.Pool{New: func() any { b := make([]byte, verifyChunk); return &b }}

// verifyBytes reads f back and compares it with data.
func verifyBytes(f *os.File, data []byte) error {
	bp := verifyBufs.Get().(*[]byte)
	defer verifyBufs.Put(bp)
	buf := *bp
	off := 0
	for {
		left := len(data) - off
		chunk := buf
		if left+1 < len(chunk) {
			chunk = chunk[:left+1] // one byte more than expected, to see a file that is too long
		}
		n, err := ops.readAt(f, chunk, int64(off))
		if n > left {
			return fmt.Errorf("%w: the file holds more than the %d bytes written", ErrVerify, len(data))
		}
		if i := mismatch(chunk[:n], data[off:off+n]); i >= 0 {
			return fmt.Errorf("%w: byte %d differs from the byte written", ErrVerify, off+i)
		}
		off += n
		switch {
		case err == io.EOF:
			if off < len(data) {
				return fmt.Errorf("%w: read back %d bytes, wrote %d", ErrVerify, off, len(data))
			}
			return nil
		case err != nil:
			return err
		case n == 0:
			return fmt.Errorf("%w: read back %d bytes, wrote %d", ErrVerify, off, len(data))
		}
	}
}

// mismatch returns the index of the first byte where a and b differ, or -1 if they are equal.
func mismatch(a, b []byte) int {
	if bytes.Equal(a, b) {
		return -1
	}
	for i := range a {
		if a[i] != b[i] {
			return i
		}
	}
	return len(a)
}

// verifyHash reads f back and compares its length and SHA-256 with those of what was written.
func verifyHash(f *os.File, n int64, sum []byte) error {
	bp := verifyBufs.Get().(*[]byte)
	defer verifyBufs.Put(bp)
	buf := *bp
	h := sha256.New()
	var off int64
	for {
		m, err := ops.readAt(f, buf, off)
		h.Write(buf[:m])
		off += int64(m)
		if err == io.EOF || (err == nil && m == 0) {
			break
		}
		if err != nil {
			return err
		}
	}
	if off != n {
		return fmt.Errorf("%w: read back %d bytes, wrote %d", ErrVerify, off, n)
	}
	if !bytes.Equal(h.Sum(nil), sum) {
		return fmt.Errorf("%w: the SHA-256 of the file differs from that of the bytes written", ErrVerify)
	}
	return nil
}

// newHash returns the hash that Create's files compute while writing.
func newHash() hash.Hash { return sha256.New() }

// checkDeviceVerify returns why the options' WithDeviceVerify cannot be honoured, or nil. collect
// runs it, before anything is locked, read or written.
func (o *options) checkDeviceVerify() error {
	switch {
	case !o.deviceVerify:
		return nil
	case !deviceVerifySupported:
		return fmt.Errorf("WithDeviceVerify: reading the file back from the storage is not supported on %s: %w", runtime.GOOS, errors.ErrUnsupported)
	case o.noVerify:
		return errors.New("WithDeviceVerify and WithoutVerify contradict each other")
	case o.noSync:
		return errors.New("WithDeviceVerify needs the fsync that WithoutSync skips: the kernel cannot drop pages not yet written")
	}
	return nil
}

// syncDropAndVerify is syncAndVerify under WithDeviceVerify: the fsync, then dropping the file's
// cached pages, then the read-back, one after the other (never side by side, as for large files
// otherwise), since only pages already written to the storage can be dropped.
func (p *pending) syncDropAndVerify(verify func(*os.File) error) (syncErr, verifyErr error) {
	if err := ops.sync(p.f); err != nil {
		return err, nil
	}
	if err := dropCachedPages(p.f); err != nil {
		return nil, err
	}
	return nil, verify(p.f)
}
