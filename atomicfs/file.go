package atomicfs

import (
	"hash"
	"io"
	"io/fs"
	"os"
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
// A File is an io.Writer and an io.StringWriter. It is not safe for concurrent use.
type File struct {
	p    *pending
	h    hash.Hash // SHA-256 of everything written, for the verification; nil without it
	n    int64     // bytes written
	err  error     // the first write error: it makes Commit fail
	done bool      // committed or discarded
}

// Create starts a replacement of the file name: it creates the temp file ".<base>.tmp-<random>"
// in the target's directory, never more readable than the target will be. The target itself is
// not touched until Commit, which gives the new file the existing target's mode and (when the
// process may) owner, or perm minus the umask for a new file, as WriteFile does.
func Create(name string, perm fs.FileMode, opts ...Option) (*File, error) {
	o := collect(opts)
	p, err := begin(name, perm, &o)
	if err != nil {
		return nil, err
	}
	f := &File{p: p}
	if !o.noVerify {
		f.h = newHash()
	}
	return f, nil
}

// Name returns the target's name as given to Create.
func (f *File) Name() string { return f.p.name }

// Write writes b to the pending file. After an error every further Write and Commit fails: a file
// with a hole in it is never committed.
func (f *File) Write(b []byte) (int, error) {
	if f.err != nil {
		return 0, f.err
	}
	if f.done {
		return 0, fail("write", f.p.name, f.p.tmp, os.ErrClosed)
	}
	n, err := ops.write(f.p.f, b)
	if f.h != nil {
		f.h.Write(b[:n])
	}
	f.n += int64(n)
	if err == nil && n < len(b) {
		err = io.ErrShortWrite
	}
	if err != nil {
		f.err = fail("write", f.p.name, f.p.tmp, err)
		return n, f.err
	}
	return n, nil
}

// WriteString is like Write, but writes the contents of s without copying it.
func (f *File) WriteString(s string) (int, error) {
	// Write neither modifies nor keeps b, so it may alias the string's bytes (as
	// (*os.File).WriteString does).
	return f.Write(unsafe.Slice(unsafe.StringData(s), len(s)))
}

// Commit replaces the target with what was written: fsync the temp file, read it back and check
// its length and SHA-256 against what was written, rename it over the target, fsync the
// directory. On failure the temp file is removed and the target keeps its old content (see
// WriteFile for the one exception). Commit may be called once; Close after Commit does nothing.
func (f *File) Commit() error {
	if f.done {
		return fail("commit", f.p.name, f.p.tmp, os.ErrClosed)
	}
	f.done = true
	if f.err != nil {
		f.p.discard()
		return f.err
	}
	var sum []byte
	if f.h != nil {
		sum = f.h.Sum(nil)
	}
	return f.p.commit(func(tf *os.File) error { return verifyHash(tf, f.n, sum) })
}

// Close discards the pending file unless it was committed: the temp file is removed and the
// target is not touched. Close after Commit (successful or not) and a second Close do nothing
// and return nil.
func (f *File) Close() error {
	if f.done {
		return nil
	}
	f.done = true
	return f.p.discard()
}
