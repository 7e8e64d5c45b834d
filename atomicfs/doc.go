// Package atomicfs writes files atomically and durably: a reader, a crash, a kill -9 or a power
// cut sees the old content or the new one, never an empty or partial file.
package atomicfs
