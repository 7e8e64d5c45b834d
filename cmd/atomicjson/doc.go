// Atomicjson reports writes of JSON files that a crash can leave empty or
// half-written, and rewrites them to use atomicfs.
//
// What it reports, and why, is documented once, in package
// github.com/atomicjson/atomicjson/analyzer (go doc, or atomicjson -help,
// which prints the same text). The cure is atomicfs.WriteFile
// (github.com/atomicjson/atomicjson/atomicfs): temp file, fsync, verify,
// rename, fsync the directory.
//
// It is the analyzer of package github.com/atomicjson/atomicjson/analyzer
// wrapped in the standard single-analyzer driver, so it runs standalone and
// as a go vet tool.
//
// # Install
//
//	go install github.com/atomicjson/atomicjson/cmd/atomicjson@latest
//
// or, from a checkout, go install ./cmd/atomicjson.
//
// # Usage
//
//	atomicjson [flags] packages...
//
// Packages are patterns as for go build, such as ./... for the module in the
// current directory. Diagnostics are printed to standard error as
//
//	file.go:12:2: os.WriteFile writes "config.json" non-atomically: ...
//
// # Analyzer flags
//
//	-extensions list
//		comma-separated file extensions that mark a JSON target
//		(case-insensitive; default .json)
//	-include-tests
//		also report writes in _test.go files (off by default: tests
//		write fixtures into temporary directories)
//	-helper path
//		import path of the atomic-write package: calls inside it are
//		exempt, and fixes import it (default
//		github.com/atomicjson/atomicjson/atomicfs)
//
// A write is silenced by a directive at the end of its line, or alone on
// the line above it (the line after the directive's comment group):
//
//	//atomicjson:ignore <reason>
//
// The reason is required; a suppression without one is itself reported, as
// is any other comment spelled //atomicjson:... . Generated files (a
// "// Code generated ... DO NOT EDIT." line) are skipped: nothing in them
// is reported, under this command, go vet, golangci-lint and pre-commit.
//
// # Driver flags
//
//	-fix      apply the suggested fixes to the source files, then lint again
//	          and print the findings that remain (exit code 3 if any)
//	-fix -diff
//	          print the fixes as a unified diff on standard output instead
//	          of applying them; exit code 1 when the diff is not empty, as
//	          for go vet -fix -diff (-diff without -fix has no effect)
//	-json     print diagnostics, with their fixes, as JSON on standard output
//	-c N      print N lines of source context around each diagnostic
//	-test     load test variants of packages too (default true; their
//	          _test.go files are still only reported with -include-tests)
//	-tags list
//	          build tags, passed to the package loader as GOFLAGS=-tags=list
//	          (-tags=list and -tags list alike)
//
// A fix replaces os.WriteFile or ioutil.WriteFile with atomicfs.WriteFile,
// and the simple sequence of os.Create, a nil check returning the error
// unchanged, defer Close and return json.NewEncoder(f).Encode(v) with
// atomicfs.WriteJSON. The fixable findings of a file share one fix that
// rewrites them all and edits the file's imports from the uses that remain,
// so that the fixed file compiles however the fixes are applied. Other
// writes get a message only. A module that does not yet depend on
// atomicjson needs
//
//	go get github.com/atomicjson/atomicjson
//
// before the fixed code compiles.
//
// # Exit codes
//
//	0  nothing reported; also with -json (which prints diagnostics as
//	   data) unless the run failed
//	1  the run failed: no packages named, packages that do not load or do
//	   not type-check, an analysis error, or fixes that could not all be
//	   applied; and -fix -diff with a non-empty diff
//	2  an unknown flag or an invalid flag value, such as an empty
//	   -extensions list
//	3  diagnostics were reported (this wins over 1: diagnostics found in
//	   packages with type errors are still reported), or -fix left
//	   findings it could not fix
//
// # Under go vet
//
// go vet runs atomicjson one package at a time, carrying the analyzer's facts
// between packages, and caches the results keyed on the tool binary and its
// flags. -vettool takes a path, not a command name; the "|| echo" keeps the
// command from running the stock vet (an empty -vettool) when atomicjson is
// not installed:
//
//	go vet -vettool="$(command -v atomicjson || echo atomicjson-not-on-PATH)" ./...
//	go vet -vettool="$(command -v atomicjson || echo atomicjson-not-on-PATH)" -extensions=.json,.geojson ./...
//
// With atomicjson pinned as a tool dependency of the module
// (go get -tool github.com/atomicjson/atomicjson/cmd/atomicjson):
//
//	go vet -vettool="$(go tool -n atomicjson || echo atomicjson-not-a-tool)" ./...
//
// Analyzer flags are spelled without a prefix. go vet prints diagnostics on
// standard error and exits with status 1 when there are any, 0 otherwise.
// An invalid flag value is reported once per go vet run, by the first
// package's run; the others end quietly.
package main
