package atomicfs

import (
	"context"
	"io/fs"
	"time"
)

// An Option changes how a call writes or locks. The zero-option call is the safe one: it syncs,
// verifies and waits for a lock as long as it takes.
type Option func(*options)

// options is the resolved set of Options of one call.
type options struct {
	prefix, indent string
	indentSet      bool

	mkdirAll bool
	dirPerm  fs.FileMode

	noVerify     bool
	noSync       bool
	deviceVerify bool

	lockTimeout time.Duration
	ctx         context.Context
	lockStats   func(LockStats)
}

func collect(opts []Option) options {
	var o options
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	return o
}

// WithIndent makes WriteJSON, UpdateJSON and the JSON written by them indent like
// json.MarshalIndent(v, prefix, indent). Without it the JSON is compact. Either way the file ends
// with a newline.
func WithIndent(prefix, indent string) Option {
	return func(o *options) {
		o.prefix, o.indent, o.indentSet = prefix, indent, true
	}
}

// WithMkdirAll creates the missing parent directories of the target with mode perm (before the
// umask), like os.MkdirAll, and fsyncs each new directory's parent so that the new directories
// survive a power cut together with the file. Without it a missing parent directory is an error.
// For Update and UpdateJSON the directories are created before the lock is taken (the lock of a
// missing file is on its directory).
func WithMkdirAll(perm fs.FileMode) Option {
	return func(o *options) {
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
	return func(o *options) { o.noVerify = true }
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
	return func(o *options) { o.deviceVerify = true }
}

// WithoutSync skips every fsync: of the temp file, of the directory after the rename and of new
// directories. The replacement is still atomic for other processes (they see the old or the new
// content, never a mix), but it is NOT durable: after a power cut or an OS crash the target may be
// empty, old, or missing. Meant for tests and scratch data.
func WithoutSync() Option {
	return func(o *options) { o.noSync = true }
}

// WithLockTimeout limits how long Update, UpdateJSON and View wait for the lock. When the limit
// passes, they return an error matching ErrLockTimeout and read and write nothing. A d <= 0 means
// no limit (the default).
func WithLockTimeout(d time.Duration) Option {
	return func(o *options) { o.lockTimeout = d }
}

// WithContext makes Update, UpdateJSON and View stop waiting for the lock when ctx is done: the
// error then matches ctx.Err() (and context.Cause(ctx)); a passed deadline also matches
// ErrLockTimeout, a cancellation does not. Once the lock is held the call runs to the end: a
// half-done update is never abandoned.
func WithContext(ctx context.Context) Option {
	return func(o *options) { o.ctx = ctx }
}

// WithLockStats makes Update, UpdateJSON and View call fn once with the lock's statistics after
// the lock is released. fn is not called when the lock was never acquired (see ErrLockTimeout).
func WithLockStats(fn func(LockStats)) Option {
	return func(o *options) { o.lockStats = fn }
}

// LockStats describes one hold of an Update lock.
type LockStats struct {
	// Wait is the time from the first attempt to take the lock until it was held.
	Wait time.Duration
	// Hold is the time from taking the lock until releasing it: read, fn, and the durable write.
	Hold time.Duration
	// Contended reports whether the first attempt found the lock held by someone else.
	Contended bool
}
