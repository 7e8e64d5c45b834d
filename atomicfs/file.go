package atomicfs

import (
	"hash"
	"io/fs"
	"os"
	"sync"
	"unsafe"
)

// A File is a pending replacement of a file, made by Create: what is written to it replaces the
// target atomically and durably when Commit succeeds, and is thrown away by Close otherwise. The
// idiom is
//
//	f, err := atomicfs.Create(name, 0o644)
//	if err != nil {
//		return err
//	}
//	defer f.Close() // discards the file unless Commit succeeded
//	... write to f ...
//	return f.Commit()
//
// A File is an io.Writer and an io.StringWriter. It buffers small writes (64 KiB), so that a
// json.Encoder writing one element at a time costs no system call per element; Commit writes
// what is buffered. It is not safe for concurrent use.
type File struct {
	p    *pending
	buf  *[]byte   // bytes accepted but not yet written to the temp file, from fileBufs
	h    hash.Hash // SHA-256 of everything written, for the verification; nil without it
	err  error     // the first write error: it makes Commit fail
	done bool      // committed or discarded
}

// fileBufSize is the size of a File's write buffer: large enough that system calls stop
// mattering next to encoding, small enough to pool.
const fileBufSize = 64 << 10

var fileBufs = sync.Pool{New: func() any { b := make([]byte, 0, fileBufSize); return &b }}

// Create starts a replacement of the file name: it creates the temp file ".<base>.tmp-<random>"
// in the target's directory, never more readable than the target will be. The target itself is
// not touched until Commit, which gives the new file the existing target's mode and (when the
// process may) owner, or perm minus the umask for a new file, as WriteFile does.
func Create(name string, perm fs.FileMode, opts ...Option) (*File, error) {
	o, err := collect(callCreate, name, opts)
	if err != nil {
		return nil, err
	}
	p, err := begin(name, perm, &o)
	if err != nil {
		return nil, err
	}
	f := &File{p: p, buf: fileBufs.Get().(*[]byte)}
	if !o.noVerify {
		f.h = newHash()
	}
	return f, nil
}

// Name returns the target's name as given to Create.
func (f *File) Name() string { return f.p.name }

// Write writes b to the pending file. After an error every further Write and Commit fails: a file
// with a hole in it is never committed. An error writing buffered bytes may surface only at a
// later Write or at Commit.
func (f *File) Write(b []byte) (int, error) {
	if f.err != nil {
		return 0, f.err
	}
	if f.done {
		return 0, fail("write", f.p.name, f.p.tmp, os.ErrClosed)
	}
	if f.h != nil {
		f.h.Write(b)
	}
	if buf := *f.buf; len(buf)+len(b) <= cap(buf) && len(b) < cap(buf) {
		*f.buf = append(buf, b...)
		return len(b), nil
	}
	if err := f.flush(); err != nil {
		return 0, err
	}
	if len(b) < cap(*f.buf) {
		*f.buf = append(*f.buf, b...)
		return len(b), nil
	}
	// A write as large as the buffer goes straight to the file, without a copy.
	if err := f.p.write(b); err != nil {
		f.err = err
		return 0, err
	}
	return len(b), nil
}

// WriteString is like Write, but writes the contents of s without copying it first.
func (f *File) WriteString(s string) (int, error) {
	// Write neither modifies nor keeps b, so it may alias the string's bytes (as
	// (*os.File).WriteString does).
	return f.Write(unsafe.Slice(unsafe.StringData(s), len(s)))
}

// flush writes the buffered bytes to the temp file.
func (f *File) flush() error {
	buf := *f.buf
	if len(buf) == 0 {
		return nil
	}
	*f.buf = buf[:0]
	if err := f.p.write(buf); err != nil {
		f.err = err
		return err
	}
	return nil
}

// release returns the write buffer to the pool once the File is done.
func (f *File) release() {
	*f.buf = (*f.buf)[:0]
	fileBufs.Put(f.buf)
	f.buf = nil
}

// Commit replaces the target with what was written: write what is buffered, fsync the temp file,
// read it back and check its length and SHA-256 against what was written, rename it over the
// target, fsync the directory. On failure the temp file is removed and the target keeps its old
// content (see WriteFile for the one exception). Commit may be called once; Close after Commit
// does nothing.
func (f *File) Commit() error {
	if f.done {
		return fail("commit", f.p.name, f.p.tmp, os.ErrClosed)
	}
	f.done = true
	if f.err == nil {
		f.flush()
	}
	f.release()
	if f.err != nil {
		f.p.discard()
		return f.err
	}
	var sum []byte
	if f.h != nil {
		sum = f.h.Sum(nil)
	}
	return f.p.commit(func(tf *os.File) error { return verifyHash(tf, f.p.size, sum) })
}

// Close discards the pending file unless it was committed: the temp file is removed and the
// target is not touched. Close after Commit (successful or not) and a second Close do nothing
// and return nil.
func (f *File) Close() error {
	if f.done {
		return nil
	}
	f.done = true
	f.release()
	return f.p.discard()
}
