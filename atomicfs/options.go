package atomicfs

import (
	"context"
	"fmt"
	"io/fs"
	"math/bits"
	"strings"
	"time"
)

// An Option changes how a call writes or locks. The zero-option call is the safe one: it syncs,
// verifies and waits for a lock as long as it takes. An option that does not apply to the call
// it is given to (WithLockTimeout to WriteFile, WithIndent to Update, ...) makes the call fail
// before it does anything, with an error naming the option and the call: an option that would
// silently do nothing is a mistake worth hearing about.
type Option func(*options)

// options is the resolved set of Options of one call.
type options struct {
	given optionSet // which options were passed
	err   error     // the first invalid argument of an option

	prefix, indent string
	indentSet      bool

	mkdirAll bool
	dirPerm  fs.FileMode

	noVerify     bool
	deviceVerify bool
	noSync       bool

	lockTimeout time.Duration
	ctx         context.Context
	lockStats   func(LockStats)
}

// optionSet is a set of Options, by kind.
type optionSet uint

const (
	optIndent optionSet = 1 << iota
	optMkdirAll
	optWithoutVerify
	optDeviceVerify
	optWithoutSync
	optLockTimeout
	optContext
	optLockStats
)

// optionNames are the names of the options, in the order of their bits.
var optionNames = []string{"WithIndent", "WithMkdirAll", "WithoutVerify", "WithDeviceVerify", "WithoutSync", "WithLockTimeout", "WithContext", "WithLockStats"}

// A call is an exported function that takes Options, with the options that apply to it.
type call struct {
	name    string
	accepts optionSet
}

const (
	writeOptions = optMkdirAll | optWithoutVerify | optDeviceVerify | optWithoutSync
	lockOptions  = optLockTimeout | optContext | optLockStats
)

var (
	callWriteFile  = call{"WriteFile", writeOptions}
	callWriteJSON  = call{"WriteJSON", writeOptions | optIndent}
	callCreate     = call{"Create", writeOptions}
	callUpdate     = call{"Update", writeOptions | lockOptions}
	callUpdateJSON = call{"UpdateJSON", writeOptions | lockOptions | optIndent}
	callView       = call{"View", lockOptions}
	calls          = []call{callWriteFile, callWriteJSON, callCreate, callUpdate, callUpdateJSON, callView}
)

// collect resolves the options of call c on the file name. An option that does not apply to c,
// or has an invalid argument, is an error naming it: nothing has been done then.
func collect(c call, name string, opts []Option) (options, error) {
	var o options
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if extra := o.given &^ c.accepts; extra != 0 {
		bit := extra & -extra // the first of them
		return o, fail("options for", name, name, fmt.Errorf("%s does not apply to %s (only to %s)", bit.name(), c.name, bit.callsAccepting()))
	}
	if o.err != nil {
		return o, fail("options for", name, name, o.err)
	}
	if err := o.checkDeviceVerify(); err != nil {
		return o, fail("options for", name, name, err)
	}
	return o, nil
}

// name is the name of the single option in s.
func (s optionSet) name() string { return optionNames[bits.TrailingZeros(uint(s))] }

// callsAccepting lists the calls that accept the option s.
func (s optionSet) callsAccepting() string {
	var names []string
	for _, c := range calls {
		if c.accepts&s != 0 {
			names = append(names, c.name)
		}
	}
	return strings.Join(names, ", ")
}

// WithIndent makes WriteJSON, UpdateJSON and the JSON written by them indent like
// json.MarshalIndent(v, prefix, indent). Without it the JSON is compact. Either way the file ends
// with a newline.
//
// prefix and indent may hold only JSON whitespace (space, tab, newline, carriage return), as
// anything else would make the file invalid JSON; otherwise the call fails naming the option,
// and nothing is written.
func WithIndent(prefix, indent string) Option {
	err := jsonWhitespace("prefix", prefix)
	if err == nil {
		err = jsonWhitespace("indent", indent)
	}
	return func(o *options) {
		o.given |= optIndent
		o.prefix, o.indent, o.indentSet = prefix, indent, true
		if o.err == nil {
			o.err = err
		}
	}
}

// jsonWhitespace returns an error naming WithIndent's argument what if s holds anything but JSON
// whitespace.
func jsonWhitespace(what, s string) error {
	for _, c := range s {
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return fmt.Errorf("WithIndent: %s %q holds %q, which is not JSON whitespace (space, tab, \\n, \\r): the file would not be JSON", what, s, c)
	}
	return nil
}

// WithMkdirAll creates the missing parent directories of the target with mode perm (before the
// umask), like os.MkdirAll, and fsyncs each new directory's parent so that the new directories
// survive a power cut together with the file. Without it a missing parent directory is an error.
// For Update and UpdateJSON the directories are created before the lock is taken (the lock of a
// missing file is on its directory).
func WithMkdirAll(perm fs.FileMode) Option {
	return func(o *options) {
		o.given |= optMkdirAll
		o.mkdirAll, o.dirPerm = true, perm
	}
}

// WithoutVerify skips reading the written data back before the rename. It saves one read of the
// data, normally from the page cache, and a comparison (for a File, computing SHA-256 while
// writing); what the default read-back catches (see the package documentation: a write that
// stored other or fewer bytes than it reported, the temp file changed by another process, a
// File's buffer changed during a Write) then replaces the target. It cannot be combined with
// WithDeviceVerify.
func WithoutVerify() Option {
	return func(o *options) { o.given |= optWithoutVerify; o.noVerify = true }
}

// WithDeviceVerify makes the read-back come from the storage instead of the page cache: after
// the fsync, the temp file's cached pages are dropped (posix_fadvise POSIX_FADV_DONTNEED; after
// the fsync they are clean, so the kernel can drop them) and mincore(2) confirms that none is
// left, so the reads that verify the file are served by the file system from the device (for a
// network file system, from the server). It then also catches a file system or driver that
// acknowledged the fsync but stores, or returns, other bytes than were written, and a change to
// the temp file after the fsync (its dirty pages cannot be dropped), at the cost of reading the
// whole file from the device before the rename (see BENCHMARKS.md). A page that stays in memory
// (dirty, or mapped by another process) fails the write with ErrVerify. What it does not prove:
// that the medium holds the data — a drive may answer the read from its own cache — nor
// anything after the read-back. On tmpfs and ramfs the memory is the storage, and the read-back
// reads it; on ZFS, whose own cache (the ARC) cannot be dropped for one file, the write fails
// with an error matching errors.ErrUnsupported, the target untouched.
//
// It is supported on Linux only: elsewhere (and combined with WithoutVerify or WithoutSync,
// which it contradicts) the call fails before anything is written, with an error that for an
// unsupported platform matches errors.ErrUnsupported.
func WithDeviceVerify() Option {
	return func(o *options) { o.given |= optDeviceVerify; o.deviceVerify = true }
}

// WithoutSync skips every fsync: of the temp file, of the directory after the rename and of new
// directories. The replacement is still atomic for other processes (they see the old or the new
// content, never a mix), but it is NOT durable: after a power cut or an OS crash the target may be
// empty, old, or missing. Meant for tests and scratch data.
func WithoutSync() Option {
	return func(o *options) { o.given |= optWithoutSync; o.noSync = true }
}

// WithLockTimeout limits how long Update, UpdateJSON and View wait for the lock. When the limit
// passes, they return an error matching ErrLockTimeout and read and write nothing. A d <= 0 means
// no limit (the default).
func WithLockTimeout(d time.Duration) Option {
	return func(o *options) { o.given |= optLockTimeout; o.lockTimeout = d }
}

// WithContext makes Update, UpdateJSON and View stop waiting for the lock when ctx is done: the
// error then matches ctx.Err() (and context.Cause(ctx)); a passed deadline also matches
// ErrLockTimeout, a cancellation does not. Once the lock is held the call runs to the end: a
// half-done update is never abandoned.
func WithContext(ctx context.Context) Option {
	return func(o *options) { o.given |= optContext; o.ctx = ctx }
}

// WithLockStats makes Update, UpdateJSON and View call fn once with the lock's statistics after
// the lock is released. fn is not called when the lock was never acquired (see ErrLockTimeout).
func WithLockStats(fn func(LockStats)) Option {
	return func(o *options) { o.given |= optLockStats; o.lockStats = fn }
}

// LockStats describes one hold of an Update lock.
type LockStats struct {
	// Wait is the time from the first attempt to take the lock until it was held.
	Wait time.Duration
	// Hold is the time from taking the lock until releasing it: read, fn, and the durable write.
	Hold time.Duration
	// Contended reports whether the call had to wait for another: the lock was held by someone
	// else, or (Update, UpdateJSON) the call waited for a batch of other calls of this process.
	Contended bool
	// Batch is the number of Update and UpdateJSON calls of this process that shared this
	// call's hold of the lock and its one durable write (group commit), this one included: 1 when
	// it ran alone. Wait and Hold are the batch's: Wait runs from this call's start until the lock
	// was held for its batch. For View it is 1.
	Batch int
}
