// Package atomicfs writes files atomically and durably: other processes, a crash, a kill -9 or a
// power cut see a file's old content or its new content, never an empty or partial file.
//
// os.WriteFile opens the target with O_TRUNC and then writes; anything that stops the program in
// between leaves a truncated file. WriteFile (and WriteJSON, Create/Commit, Update and
// UpdateJSON, which all write the same way) instead
//
//  1. creates a temp file ".<base>.tmp-<random>" in the target's own directory, exclusively
//     (O_EXCL), so that concurrent writers never share one, and so that the rename stays on one
//     file system (a rename across file systems fails or is not atomic);
//  2. writes the data and fsyncs the temp file. A failed fsync is never retried: the kernel may
//     have dropped the unwritten pages and cleared the error, so the temp file is discarded;
//  3. verifies the temp file by reading it back through its descriptor (WriteFile compares it
//     with the data in place, in chunks, through one reused buffer; a File compares length and
//     SHA-256 with those computed while writing); a mismatch is an error matching ErrVerify.
//     See "Verification" for exactly what this proves;
//  4. renames the temp file over the target: atomic on POSIX file systems;
//  5. fsyncs the directory, so that the rename itself survives a power cut.
//
// Every failure returns an error naming the step and the target ("atomicfs: rename
// /srv/state.json: ..."), through which errors.As finds an *fs.PathError: for a failed system
// call its own, whose errno errors.Is sees; for a failure that is no system call's (an option
// that does not apply, a value that does not marshal, a file that does not decode) one whose Op
// is the step and whose Err is the cause. Two kinds of errors carry something else: the error
// that fn returns in Update, UpdateJSON or View comes back as fn's own (wrapped, with the
// target's name, "atomicfs: update <name>: <fn's error>"; errors.Is and errors.As see what fn
// put in it, and nothing more), and Rename's failure carries os.Rename's *os.LinkError. The temp file is removed and the target keeps its old content
// byte for byte — except when only the final directory fsync fails: the new content is then in
// place but might not survive a power cut, and the error says so by its step ("fsync directory
// of") and by matching ErrDirSync. A process killed in the middle of a write leaves its temp
// file behind; CleanTemps removes such leftovers, and never the temp file of a write in flight.
//
// # Which file, and whether it may be written: the kernel decides
//
// The target is the file os.WriteFile(name) would write, found the way the kernel finds it: the
// directory part of name is opened by one kernel path walk (so "l/../x.json", with l a link to a
// directory, names x.json next to the directory l points to, as for the kernel), and every later
// step — creating the temp file, renaming it, fsyncing the directory — is relative to that open
// directory, so a directory swapped in meanwhile by another process is never written to. A
// symbolic link as the last element of name is written through, as by os.WriteFile: the file it
// finally points to is replaced and the link stays a link; a dangling link creates the file it
// names. On Linux the kernel is first asked whether the link may be followed at all (an O_PATH
// open), so fs.protected_symlinks refuses exactly what it refuses os.WriteFile (EACCES).
//
// An existing target is opened for writing (without truncating it) before anything is written,
// and that open is the kernel's verdict: permissions and ACLs, read-only mounts (EROFS),
// immutable and append-only files (EPERM), fs.protected_regular, security modules. A file the
// process may not write is refused with os.WriteFile's errno, although the directory's
// permissions would let a rename replace it.
//
// A target that exists but is not a regular file (a device such as /dev/null, a FIFO, a socket)
// is refused with ErrNotRegular: it cannot be replaced atomically, and renaming a file over it
// would destroy it. A directory gives EISDIR, as with os.WriteFile.
//
// # What the file keeps
//
// os.WriteFile rewrites an existing file in place, so the file keeps everything but its content.
// A replacement is a new file, which is given, before the first data byte is written:
//   - the mode, including the setuid, setgid and sticky bits (which the kernel then clears on
//     the writes exactly as on os.WriteFile's, unless the writer has CAP_FSETID);
//   - the owner and group, as far as the process may set them: root keeps both; others keep the
//     group when they belong to it, so a file alice:proj 0660 that bob updates becomes bob:proj
//     (the owner is the one thing a non-root writer cannot keep — see the README's drop-in
//     differences);
//   - the extended attributes (user.*, and security.* and trusted.* where the process may set
//     them), and with them the POSIX ACL, so that named users and groups keep their access and
//     the group bits of an ACL'd file stay its mask;
//   - on Linux, the inode flags any owner may set (chattr s, u, c, S, d, A, m, t, C).
//
// A new file gets perm minus the umask (or as its directory's default ACL says), as with
// os.WriteFile. The temp file of an existing target is created readable and writable by the
// writer alone, and reaches the target's owner, group, ACL and mode before it holds any data: a
// user whom the target shuts out can never read the new content from the temp file. Other hard
// links to the replaced file keep the old content: a rename creates a new file.
//
// # Locked updates
//
// Update and UpdateJSON run read → modify → atomic write under an exclusive advisory lock, so
// that no update of a file is lost to a concurrent one, in the same process or in another.
//
// On Unix the lock is flock(2) on the file itself. Update opens name read-only (the kernel
// resolves the path and its symbolic links, with the checks of any open), locks that file, and
// then checks that it is still the file that the path names: a waiter wakes up on the old file
// after the previous holder has renamed its new version over it, and then locks the new one
// instead. The old content is read through the locked descriptor. While the file does not exist,
// the lock is on the directory it will be created in; once that is held, Update checks that the
// file is still missing (else it locks the file). A process takes a directory's flock once for all
// of its calls that create files there, and keeps them apart by name itself, so an Update of a
// missing file nested in the fn of another does not wait for itself; towards other processes the
// directory's lock is exclusive, so Views of missing files in one directory wait for each other
// there. There is no lock file, so nothing in the directory can be deleted or replaced to break
// the lock, and a process killed while holding the lock releases it with its descriptors. Update
// needs read permission on the file (it reads it) and, to create it, on its directory (to lock
// it): a new file in a directory the process may write and search but not read (a drop box, mode
// 0333) is refused with EACCES at the step "lock", where WriteFile creates it.
//
// On Windows the lock is LockFileEx on a sidecar file "<target>.lock" (shortened for very long
// names), created on first use and never removed. While a process holds it, Windows refuses to
// delete or replace it, so the lock on Windows holds against the same as on Unix.
//
// The lock protects against these (each is tested):
//   - concurrent Update and UpdateJSON calls of one file, from any number of goroutines and
//     processes, also through different symbolic or hard links to the file;
//   - deleting, renaming or replacing any other file of the directory while updates run: stale
//     "*.lock" files, temp files cleaned by CleanTemps, other data;
//   - a holder that dies (kill -9): the kernel releases its lock, and the file holds the old
//     content or the new.
//
// It does not protect against these (as SQLite's "How To Corrupt An SQLite Database File" lists
// what its locks cannot prevent):
//   - writers that do not take the lock: WriteFile, WriteJSON or Commit of the same file (an
//     Update in flight may overwrite what they wrote), os.WriteFile, other programs;
//   - deleting the file, or renaming another file over it (a backup restore, a sync tool), while
//     updates run: the next Update then finds and locks the new file (or the directory) while the
//     holder of the old one still works, and one of the two updates is lost. A delete or a
//     replacement of the file is a write that bypasses the lock;
//   - file systems whose flock does not reach other machines (some network and FUSE file
//     systems): there the lock serializes the processes of one machine only;
//   - programs built with an older version of this package, which locked a "<target>.lock"
//     sidecar on Unix too: the two locks do not exclude each other, so upgrade all programs that
//     update a file together;
//   - a holder that never returns (fn blocks): it holds the lock for as long; WithLockTimeout and
//     WithContext bound how long the others wait;
//   - nested locks taken in different orders by different processes, which can wait for each
//     other forever, as any locks can. Nest updates in one order everywhere, and count the lock
//     of a missing file as its directory's: it is one lock for all the missing files of the
//     directory, so P1 nesting missing a.json → x.json and P2 nesting x.json → missing b.json (same
//     directory) can deadlock. Within one process nesting never waits for itself, except on
//     the same file.
//
// Plain readers are not blocked by the lock. View reads a file under the same lock taken shared:
// it waits while an Update of the file runs, and Updates wait for it, but Views do not wait for
// each other (except, in different processes, Views of missing files of one directory).
//
// # Durable directory operations
//
// A program that manages several files needs the directory operations to be durable too: SyncDir
// fsyncs a directory, MkdirAll creates directories and fsyncs their parents, Rename and Remove
// are os.Rename and os.Remove followed by the fsync of the directories they changed. Each returns
// an error matching ErrDirSync when its change was made but could not be made durable.
//
// # Streaming large documents
//
// WriteJSON, like json.Marshal and json.Encoder.Encode, builds the whole document in memory
// before writing it. For a large document, Create a File, encode it piece by piece into it (for
// example a json.Encoder per element, or the array's brackets and commas written by hand between
// encoded elements) and Commit.
//
// # Verification
//
// The default read-back runs right after the fsync (for files of 256 KiB and more, beside it),
// through the temp file's own descriptor, and is normally served from the page cache: the
// kernel's copy of the file in memory, which is what the write filled. It proves that the temp
// file, as the kernel holds it at that moment, has exactly the length and the bytes the write
// was given. So it catches, before anything replaces the target:
//
//   - a write that reported more bytes than it stored, or stored other bytes than it was given
//     (a file-system, kernel or memory fault between the caller's buffer and the page cache);
//   - another process (or descriptor) that opened the temp file and overwrote, truncated or
//     extended it before the read-back;
//   - for a File, a buffer changed while Write was using it (a data race in the caller): the
//     hash is of the bytes Write was given, and a Write of 64 KiB or more writes them without a
//     copy, so the file then differs from the hash. Smaller writes are copied into the File's
//     buffer: changing them after Write returns changes nothing;
//   - a read error (EIO).
//
// It does not catch what happens below the page cache — a device, controller or driver that
// stores, misdirects or loses the data after acknowledging the fsync, bit rot — nor any change
// after the read-back. WriteFile compares with data as data is at the comparison: a change to
// data after its bytes reached the file is caught; a change before is not (the file then holds
// the changed bytes, as data does). A reading that comes from the storage is an option:
// WithDeviceVerify drops the file's (clean, just fsynced) cached pages before reading back and
// checks with mincore(2) that none stayed, so that the reads reach the device (on Linux; the
// tests show it with the kernel's per-process read_bytes count). It costs a device read of the
// whole file before the rename; see BENCHMARKS.md.
//
// # Options
//
// The zero-option call is the safe, durable one. Options can only weaken it where that is asked
// for: WithoutVerify skips the read-back (what it catches, listed under Verification, then
// replaces the target), WithoutSync skips every fsync (still atomic for other processes, NOT
// durable across a power cut or OS crash; for tests and scratch data). WithDeviceVerify makes
// the read-back come from the storage instead of the page cache. WithIndent, WithMkdirAll,
// WithLockTimeout, WithContext and WithLockStats change what is written or how long an update
// waits, not the guarantees.
//
// An option given to a call it does not apply to is an error of that call, before it does
// anything ("atomicfs: options for x.json: WithLockTimeout does not apply to WriteFile (only to
// Update, UpdateJSON, View)"): WithIndent applies to WriteJSON and UpdateJSON; WithMkdirAll,
// WithoutVerify, WithDeviceVerify and WithoutSync to the writes (WriteFile, WriteJSON, Create,
// Update, UpdateJSON); WithLockTimeout, WithContext and WithLockStats to the locked calls
// (Update, UpdateJSON, View). WithIndent accepts only JSON whitespace.
//
// # Platforms
//
// Linux, macOS, FreeBSD and the other Unix systems, and Windows. On macOS, fsync does not flush
// the drive's cache: (*os.File).Sync uses F_FULLFSYNC for the temp file, and the directory is
// synced with F_FULLFSYNC too, falling back to fsync on file systems that refuse it for
// directories.
//
// On Windows (built and vetted, but not run by this repository's tests, whose CI is Linux) an
// existing file is replaced with ReplaceFileW, which gives the new file what its documentation
// lists — the old file's DACL, security resource attributes, creation time, short name, object
// ID, encryption, compression and the named streams the new file lacks — and merges its file
// attributes (hidden, system...); a failure to carry them over is an error. The owner is not
// among them: the new file belongs to the writer, where os.WriteFile keeps the owner. The old
// file passes through a backup name, so that no failure of ReplaceFileW can leave the target
// missing. ReplaceFileW does not write through: the replaced file is then flushed
// (FlushFileBuffers), which writes the file's data and pending metadata, its new name included,
// and flushes the drive's cache; if that flush fails, the error matches ErrDirSync. That this
// also makes the directory's side of the replacement durable rests on NTFS logging metadata
// changes in order; it is not documented, and not verified here. A new file is created with
// MoveFileEx(MOVEFILE_REPLACE_EXISTING|MOVEFILE_WRITE_THROUGH). A directory is not fsynced
// there. A file that another process has open without FILE_SHARE_DELETE (os.Open does not ask
// for it) cannot be replaced: the rename is retried, with randomized backoff, for about two
// seconds (as Go's own build tool retries), and then fails with the sharing or access error,
// where os.WriteFile, writing in place, would succeed. Before its first data byte the temp file
// gets the target's DACL, so it is never open to someone the target shuts out. A read-only file
// is refused at once with ERROR_ACCESS_DENIED, as by os.WriteFile.
//
// # Concurrency
//
// All functions may be called from any number of goroutines and processes at once: concurrent
// writes of one file each replace it whole (the last rename wins); Update and UpdateJSON
// serialize, and the concurrent ones of one process share durable writes (group commit: see
// Update). A File belongs to one goroutine.
//
// # What it does not do
//
// Atomicity covers one file: a set of files that must change together needs more (the
// publisher in this repository shows one way). Readers are never blocked; a reader that opened
// the old file keeps reading the old content. Writers that bypass this package (os.WriteFile on
// the same path) are not excluded by the Update lock.
package atomicfs
