package atomicfs

import (
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
)

// WriteFile writes data to the file name atomically and durably. It takes the same arguments as
// os.WriteFile and, on success, has the same observable result, but other processes, a crash or a
// power cut can only ever see the old content or the new, never an empty or partial file.
//
// It writes data to a new temp file ".<base>.tmp-<random>" in the target's directory, fsyncs it,
// reads it back and compares it with data, renames it over the target and fsyncs the directory.
// See the package documentation for permissions, owners, symbolic links and the Options.
//
// On failure the error names the step and the target (errors.As finds the *fs.PathError of the
// failing system call), the temp file is removed and the target is untouched — except when only
// the final directory fsync fails: the new content is then in place but may not survive a power
// cut.
func WriteFile(name string, data []byte, perm fs.FileMode, opts ...Option) error {
	o, err := collect(callWriteFile, name, opts)
	if err != nil {
		return err
	}
	return writeFile(name, data, perm, &o)
}

func writeFile(name string, data []byte, perm fs.FileMode, o *options) error {
	p, err := begin(name, perm, o)
	if err != nil {
		return err
	}
	if err := p.write(data); err != nil {
		p.discard()
		return err
	}
	return p.commit(func(f *os.File) error { return verifyBytes(f, data) })
}

// pending is a temp file on its way to replacing a target.
type pending struct {
	name string  // the target as the caller named it, for errors
	t    *target // the file to replace, and the directory every step happens in
	tmp  string  // the temp file's name in t.dir
	f    *os.File
	size int64 // bytes written to f
	o    *options
}

// tmpPath is the temp file's path, for errors.
func (p *pending) tmpPath() string { return p.t.dir.join(p.tmp) }

// begin resolves name and creates the temp file for a write to it, already with the metadata the
// replacement keeps (see keepMetadata), so that nothing is written to a file that is more readable
// than the target.
func begin(name string, perm fs.FileMode, o *options) (*pending, error) {
	t, step, err := resolveTarget(name, o)
	if err != nil {
		return nil, fail(step, name, name, err)
	}
	p := &pending{name: name, t: t, o: o}
	createPerm := perm
	if t.f != nil {
		// Readable by the writer alone until keepMetadata has given it the target's owner, group,
		// ACL and mode. A new target's temp file gets perm (minus the umask, or as the
		// directory's default ACL says) like os.WriteFile's new file: it is final from the start.
		createPerm = 0o600
	}
	if err := p.create(createPerm); err != nil {
		t.close()
		return nil, err
	}
	if t.f != nil {
		step, err := keepMetadata(t, p.f)
		t.closeFile()
		if err != nil {
			p.discard()
			return nil, fail(step, name, p.tmpPath(), err)
		}
	}
	return p, nil
}

// randLen is the length of the random part of a temp file name: 12 base-36 digits, 62 bits.
const randLen = 12

// create creates a new temp file in the target's directory, exclusively, so that no two writers
// ever share one, and locks it until it is renamed or removed (see lockTemp).
func (p *pending) create(perm fs.FileMode) error {
	prefix := tempPrefix(p.t.base)
	for attempt := 0; ; attempt++ {
		tmp := prefix + randomSuffix()
		f, err := ops.openFile(p.t.dir, tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if err == nil {
			if !lockTemp(f) && attempt < 100 {
				f.Close() // a CleanTemps got to it first and removes it
				continue
			}
			p.tmp, p.f = tmp, f
			return nil
		}
		if errors.Is(err, fs.ErrExist) && attempt < 100 {
			continue
		}
		return fail("create temp file for", p.name, p.t.dir.join(tmp), err)
	}
}

func randomSuffix() string {
	const digits = "0123456789abcdefghijklmnopqrstuvwxyz"
	var b [randLen]byte
	r := rand.Uint64()
	for i := range b {
		b[i] = digits[r%36]
		r /= 36
	}
	return string(b[:])
}

// write writes all of b to the temp file.
func (p *pending) write(b []byte) error {
	n, err := ops.write(p.f, b)
	p.size += int64(n)
	if err == nil && n < len(b) {
		err = io.ErrShortWrite
	}
	if err != nil {
		return fail("write", p.name, p.tmpPath(), err)
	}
	return nil
}

// commit makes the temp file the target: fsync, verify (unless disabled), rename, directory
// fsync. On any failure before the rename the temp file is removed. The temp file stays open,
// and so locked against CleanTemps, until it has been renamed.
func (p *pending) commit(verify func(*os.File) error) error {
	syncErr, verifyErr := p.syncAndVerify(verify)
	if syncErr != nil {
		// A failed fsync leaves the page cache in an unknown state (the kernel may have dropped
		// the dirty pages and cleared the error): the temp file is never retried, only discarded.
		p.discard()
		return fail("fsync", p.name, p.tmpPath(), syncErr)
	}
	if verifyErr != nil {
		p.discard()
		return fail("verify", p.name, p.tmpPath(), verifyErr)
	}
	if !renameOpenFiles {
		if err := p.f.Close(); err != nil {
			p.discard()
			return fail("close", p.name, p.tmpPath(), err)
		}
	}
	if err := retries.do(func() error { return ops.rename(p.t.dir, p.tmp, p.t.base) }); err != nil {
		p.discard()
		return fail("rename", p.name, p.t.dir.join(p.t.base), err)
	}
	var dirErr error
	if !p.o.noSync {
		dirErr = ops.syncDir(p.t.dir, p.f)
	}
	// The data is on disk already (fsynced): a close error could say nothing more about it.
	p.f.Close()
	p.t.close()
	if dirErr != nil {
		return fail("fsync directory of", p.name, p.t.dir.path, notDurable(dirErr))
	}
	return nil
}

// overlapVerifyMin is the size from which the read-back runs beside the fsync instead of after
// it. The fsync mostly waits for the device while the read-back is CPU work on the page cache, so
// side by side the verification costs next to nothing; below this size it is cheaper than
// starting a goroutine.
const overlapVerifyMin = 256 << 10

// syncAndVerify fsyncs the temp file and verifies it (each unless disabled). Both must succeed
// before the rename; neither is retried.
func (p *pending) syncAndVerify(verify func(*os.File) error) (syncErr, verifyErr error) {
	if p.o.deviceVerify {
		return p.syncDropAndVerify(verify)
	}
	switch {
	case p.o.noVerify:
		if !p.o.noSync {
			syncErr = ops.sync(p.f)
		}
		return syncErr, nil
	case p.o.noSync:
		return nil, verify(p.f)
	case p.size < overlapVerifyMin:
		if syncErr = ops.sync(p.f); syncErr != nil {
			return syncErr, nil
		}
		return nil, verify(p.f)
	}
	verified := make(chan error, 1)
	go func() { verified <- verify(p.f) }()
	syncErr = ops.sync(p.f)
	return syncErr, <-verified
}

// discard closes and removes the temp file and releases the target.
func (p *pending) discard() error {
	p.f.Close()
	err := retries.do(func() error { return ops.remove(p.t.dir, p.tmp) })
	p.t.close()
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fail("remove temp file of", p.name, p.tmpPath(), err)
	}
	return nil
}

// mkdirAll creates dir and its missing parents with perm, and (unless noSync) fsyncs the parent
// of each directory it creates, so that the new entries are durable before a file is renamed into
// them.
func mkdirAll(dir string, perm fs.FileMode, noSync bool) error {
	d, err := ops.openDir(nil, dir)
	if errors.Is(err, fs.ErrNotExist) {
		d, err = mkdirAllAt(dir, perm, noSync)
	}
	d.close()
	return err
}

// syncDir fsyncs the directory dir, making the entries created, renamed or removed in it durable.
func syncDir(dir string) error {
	d, err := ops.openDir(nil, dir)
	if err != nil {
		return err
	}
	defer d.close()
	return ops.syncDir(d, nil)
}
