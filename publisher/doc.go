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
// Every write goes through atomicfs, so a reader never sees a partial file. The post file, the
// backup and the index are written under one cross-process lock (the index's), so a crash between
// two of those writes leaves at most one post out of step with the index, which Verify reports and
// Repair fixes by rolling the interrupted operation forward. The topic index and both metrics files
// are updated with their own locked read-modify-write, so concurrent publishers never lose a count.
//
// Nothing valid is ever deleted: a file that does not parse, or a post that fails validation, is
// moved to the quarantine directory and reported, never silently dropped.
package publisher
