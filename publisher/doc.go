// Package publisher is the reference content pipeline built on atomicfs: a blog whose every file is
// JSON, kept consistent across crashes, kill -9 and concurrent publishers in separate processes.
//
// A content root holds:
//
//	blog/<slug>.json                      one file per published post (StoredPost)
//	_system/contentIndex.json             the content index (Index): one Entry per post, with the
//	                                      SHA-256 of the post file's bytes
//	_system/contentIndex.backup.json      the index as it was before its last update
//	_system/topicIndex.json               one Topic record per topic: status, attempts, last error
//	_system/publish-metrics.json          Metrics: attempts, successes, failures by Code, durations
//	_system/lock-metrics.json             LockMetrics: acquisitions, contention, waits, timeouts
//	_system/quarantine/<name>.corrupt     files Rebuild, Recover and Repair set aside
//
// # Writing
//
// Every write goes through atomicfs, so a reader never sees a partial file: the index, the topic
// index, the backup and the metrics through UpdateJSON and WriteJSON (indented with WithIndent),
// a post through WriteFile because it is encoded exactly once, and those bytes are at once hashed
// into its index entry, measured against the size limit and written. Only the recovery paths
// (Rebuild, Recover, Repair) read system files as raw bytes, because their job is the file that no
// longer decodes. A publish validates the post once, encodes it once, and then, holding the topic
// index's cross-process lock and inside it the content index's, writes the post file, the backup
// and the index, and marks the topic; a crash between two of those writes leaves at most one post
// out of step with the index, which Verify reports and Repair fixes by rolling the interrupted
// operation forward. Both metrics files are updated with their own locked read-modify-write, so
// concurrent publishers never lose a count.
//
// # Concurrent publishes are not batched
//
// atomicfs folds concurrent Updates of one file in one process into one durable write (group
// commit). Publish does not use it, on purpose. Its topic-index update runs the whole publish
// inside its fn (the post file, the backup and the content index's own update, each durable), and
// the topic record is written after them: batching those updates would write several posts and
// index entries before the one topic-index write that marks them all, so a crash before that write
// would leave several operations interrupted at once, where a crash now interrupts at most the one
// publish holding the locks: the state Repair rolls forward, and the one the crash-point test
// checks by killing a publish at every system call it makes. Batching only the content index's
// update would likewise write several post files before one index write, with the same result; and
// one failed batched write would fail several publishes whose posts are already on disk. Every
// update of the root also passes the store's lock timeout (WithLockTimeout) and the caller's
// context, and atomicfs runs such calls alone, so the metrics and lock-metrics updates each make
// their own durable write too: batching them there would mean giving up the bound on how long a
// publish can wait for a lock another process holds. Folding them in this package, with the bound
// kept, would gain nothing either: publishes take turns at the index locks, and each one's metrics
// update is a single write, usually done before the next publish leaves the locks, so the metrics
// updates of one process arrive one at a time (32 goroutines publishing at once gave batches of
// one). Publishes from many goroutines are therefore as safe as from one, and take turns at the
// index locks; the bench module's report measures publishes per second from 1, 8 and 64 goroutines.
//
// # Verifying while others publish
//
// Verify must neither report an operation in flight as a problem nor miss a real one. Of the
// designs that achieve this (topic records derived from the index; a snapshot read; one lock over
// the files that must agree) the package takes the last: every write under the root happens while
// its writer holds the lock of one of the four system files in lockOrder, a publish holds the topic
// index's and the content index's together, and Verify holds shared locks on all four while it
// looks. Verify then sees the root only between operations, so everything it reports is a state
// that no operation in flight can explain, while it excludes no other reader. Deriving topic
// records from the index would lose what only the topic index records (attempts, the last error of
// a failed publish); a snapshot read would need the writers to keep versions. The shared locks are
// atomicfs.View's (on Unix flock(2) on files opened read-only), so Verify writes nothing and works
// on a read-only mount and for a user who may only read; its lock statistics are not metrics, and
// are not recorded.
//
// # Repairing
//
// Repair fixes everything Verify reports, from every state Verify can observe: missing system
// directory, missing or corrupt files in any combination, leftover temp files. Nothing valid is ever
// deleted: a file that does not parse, or a post that fails validation, is moved to the quarantine
// directory and reported, never silently dropped. The quarantine directory is made durable in the
// system directory before anything is moved into it, and a file on another file system (the posts
// directory may be a mount of its own) is copied durably and only then removed.
//
// # Input
//
// Store.PublishJSON, ParsePost and the publish command share one strict decoder: a post is exactly
// one JSON object whose keys are the fields' exact names, each given once, with every string valid
// UTF-8. encoding/json on its own matches keys case-insensitively, keeps the last of duplicate keys
// and turns invalid UTF-8 into U+FFFD, so a post could be published with content its author never
// sent. The one size limit (WithMaxPostSize) bounds the stored post file, byte for byte.
package publisher
