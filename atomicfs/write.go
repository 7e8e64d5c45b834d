package atomicfs

import (
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
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
	o := collect(opts)
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
	name   string // the target as the caller named it, for errors
	target string // the file to replace: name with symbolic links resolved
	dir    string // the directory of target and of the temp file
	tmp    string // the temp file's path
	f      *os.File
	size   int64 // bytes written to f
	o      *options

	existing fs.FileInfo // the target before the write; nil if it did not exist
}

// begin creates the temp file for a write to name, with the target's final permission bits (an
// existing target's owner and special bits follow in commit, after the writes).
func begin(name string, perm fs.FileMode, o *options) (*pending, error) {
	target, fi, err := resolve(name)
	if err != nil {
		return nil, fail("open", name, name, err)
	}
	p := &pending{name: name, target: target, dir: filepath.Dir(target), o: o}
	createPerm := perm
	if fi != nil {
		if err := ops.access(target); err != nil {
			return nil, fail("open", name, target, err)
		}
		// An existing target keeps its mode. Creating the temp file with the target's permission
		// bits (minus the umask) means it is never more readable than the target is.
		createPerm = fi.Mode().Perm()
	}
	if err := p.create(filepath.Base(target), createPerm); err != nil {
		return nil, err
	}
	p.existing = fi
	return p, nil
}

// randLen is the length of the random part of a temp file name: 12 base-36 digits, 62 bits.
const randLen = 12

// create creates a new temp file in p.dir, exclusively, so that no two writers ever share one.
func (p *pending) create(base string, perm fs.FileMode) error {
	prefix := tempPrefix(base)
	madeDirs := false
	for attempt := 0; ; attempt++ {
		tmp := filepath.Join(p.dir, prefix+randomSuffix())
		f, err := ops.openFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		switch {
		case err == nil:
			p.tmp, p.f = tmp, f
			return nil
		case errors.Is(err, fs.ErrExist) && attempt < 100:
			continue
		case errors.Is(err, fs.ErrNotExist) && p.o.mkdirAll && !madeDirs:
			if err := mkdirAll(p.dir, p.o.dirPerm, p.o.noSync); err != nil {
				return fail("mkdir", p.name, p.dir, withoutDirSyncMark(err))
			}
			madeDirs = true
			continue
		}
		return fail("create temp file for", p.name, tmp, err)
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
		return fail("write", p.name, p.tmp, err)
	}
	return nil
}

// commit makes the temp file the target: fsync, verify (unless disabled), close, rename,
// directory fsync. On any failure before the rename the temp file is removed.
func (p *pending) commit(verify func(*os.File) error) error {
	if p.existing != nil {
		// After the writes, since a write by anyone but root clears the set-user-ID and
		// set-group-ID bits; before the fsync, which makes them durable with the data.
		if err := p.keepMode(); err != nil {
			p.discard()
			return err
		}
	}
	syncErr, verifyErr := p.syncAndVerify(verify)
	if syncErr != nil {
		// A failed fsync leaves the page cache in an unknown state (the kernel may have dropped
		// the dirty pages and cleared the error): the temp file is never retried, only discarded.
		p.discard()
		return fail("fsync", p.name, p.tmp, syncErr)
	}
	if verifyErr != nil {
		p.discard()
		return fail("verify", p.name, p.tmp, verifyErr)
	}
	if err := p.f.Close(); err != nil {
		os.Remove(p.tmp)
		return fail("close", p.name, p.tmp, err)
	}
	if err := retries.do(func() error { return ops.rename(p.tmp, p.target) }); err != nil {
		os.Remove(p.tmp)
		return fail("rename", p.name, p.target, err)
	}
	if !p.o.noSync {
		if err := ops.syncDir(p.dir); err != nil {
			return fail("fsync directory of", p.name, p.dir, notDurable(err))
		}
	}
	return nil
}

// keepMode gives the temp file the existing target's owner and mode. The owner first: chown
// clears the set-user-ID and set-group-ID bits, chmod restores them. The chmod also undoes the
// umask, which is cheaper than finding out whether it took anything away (reading the umask means
// changing it, which races with other goroutines creating files).
func (p *pending) keepMode() error {
	if err := keepOwner(p.f, p.existing); err != nil {
		return fail("chown", p.name, p.tmp, err)
	}
	if err := p.f.Chmod(p.existing.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)); err != nil {
		return fail("chmod", p.name, p.tmp, err)
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

// discard closes and removes the temp file.
func (p *pending) discard() error {
	p.f.Close()
	if err := os.Remove(p.tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fail("remove temp file of", p.name, p.tmp, err)
	}
	return nil
}

// mkdirAll creates dir and its missing parents with perm, and (unless noSync) fsyncs the parent
// of each directory it creates, so that the new entries are durable before a file is renamed into
// them.
func mkdirAll(dir string, perm fs.FileMode, noSync bool) error {
	var missing []string
	for d := dir; ; {
		if _, err := os.Stat(d); err == nil {
			break
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		missing = append(missing, d)
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	for i := len(missing) - 1; i >= 0; i-- {
		d := missing[i]
		// Another writer may create the same directory at the same time: that is success too.
		if err := os.Mkdir(d, perm); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
		if !noSync {
			if err := ops.syncDir(filepath.Dir(d)); err != nil {
				return notDurable(err)
			}
		}
	}
	return nil
}
