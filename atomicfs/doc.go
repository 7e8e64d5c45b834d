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
//  3. verifies the temp file by reading it back (WriteFile compares it with the data in place,
//     in chunks, through one reused buffer; a File compares length and SHA-256 with those
//     computed while writing); a mismatch is an error matching ErrVerify;
//  4. renames the temp file over the target: atomic on POSIX file systems;
//  5. fsyncs the directory, so that the rename itself survives a power cut.
//
// Every failure returns an error naming the step and the target ("atomicfs: rename
// /srv/state.json: ..."), through which errors.As finds the *fs.PathError of the failing system
// call and errors.Is its errno. The temp file is removed and the target keeps its old content
// byte for byte — except when only the final directory fsync fails: the new content is then in
// place but might not survive a power cut, and the error says so by its step ("fsync directory
// of") and by matching ErrDirSync. A process killed in the middle of a write leaves its temp
// file behind; CleanTemps removes such leftovers.
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
// Update and UpdateJSON run read → modify → atomic write under an exclusive advisory lock on a
// sidecar file "<target>.lock", shared by every process that updates the file through this
// package. The lock file is never removed. See Update.
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
// # Options
//
// The zero-option call is the safe, durable one. Options can only weaken it where that is asked
// for: WithoutVerify skips the read-back (a corruption between write and disk is no longer
// caught), WithoutSync skips every fsync (still atomic for other processes, NOT durable across a
// power cut or OS crash; for tests and scratch data). WithIndent, WithMkdirAll, WithLockTimeout,
// WithContext and WithLockStats change what is written or how long an update waits, not the
// guarantees.
//
// # Platforms
//
// Linux, macOS, FreeBSD and the other Unix systems, and Windows. On macOS, fsync does not flush
// the drive's cache: (*os.File).Sync uses F_FULLFSYNC for the temp file, and the directory is
// synced with F_FULLFSYNC too, falling back to fsync on file systems that refuse it for
// directories. On Windows a directory cannot be fsynced; the rename is MoveFileEx with
// MOVEFILE_REPLACE_EXISTING|MOVEFILE_WRITE_THROUGH, which returns once the move is on disk. An
// existing file's ACLs and attributes are not carried over on Windows (only the read-only bit
// follows from the mode), and a file open in another process without FILE_SHARE_DELETE cannot be
// replaced there.
//
// # Concurrency
//
// All functions may be called from any number of goroutines and processes at once: concurrent
// writes of one file each replace it whole (the last rename wins); Update and UpdateJSON
// serialize. A File belongs to one goroutine.
//
// # What it does not do
//
// Atomicity covers one file: a set of files that must change together needs more (the
// publisher in this repository shows one way). Readers are never blocked; a reader that opened
// the old file keeps reading the old content. Writers that bypass this package (os.WriteFile on
// the same path) are not excluded by the Update lock.
package atomicfs
