// Package testfiles has a write in a _test.go file, which is not reported by
// default: tests write fixtures into t.TempDir.
package testfiles
