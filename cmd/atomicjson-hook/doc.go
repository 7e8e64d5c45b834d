// Atomicjson-hook runs the atomicjson analyzer on the Go packages that
// contain the given files, module by module. It is the entry point of the
// pre-commit hooks in .pre-commit-hooks.yaml.
//
// pre-commit passes file names, but a go/analysis driver wants packages:
// handed a file, it would type-check that file alone, as a package of its
// own. atomicjson-hook therefore maps every file to its package directory
// and groups the directories by the module they belong to (the nearest
// go.mod above the file), so that a repository with several modules, with
// or without one at its root, works. For each module it runs the
// atomicjson command from the module's root directory:
//
//	atomicjson [flags] ./dir1 ./dir2 ...
//
// A staged go.mod or go.sum can change how every package of its module
// builds, so it selects the whole module (./...); both hooks receive both
// (types_or: go, go-mod, go-sum). Files the go command would
// not build as part of ./... are skipped: those under testdata, vendor, or
// a directory whose name starts with . or _. A file outside any module is
// skipped with a note on standard error, and a file that no longer exists
// selects its directory only while that directory still holds Go files.
//
// Before running atomicjson, the hook asks go list which of the selected
// packages have files that build under the current build tags (-tags) and
// GOOS, and lints only those: a module of pinned tools (a tools.go behind
// //go:build tools) or a package whose files are all for another OS has
// nothing to lint, and never blocks a commit; a note on standard error
// says so. A package with any other error is still handed to atomicjson,
// which reports it.
//
// pre-commit splits a long list of files (an --all-files run of a large
// repository) into several runs of the hook. Under pre-commit (PRE_COMMIT=1)
// the runs of one hook invocation share a record, in the temporary
// directory, of the packages already linted, so that a package whose files
// fall into two runs, or a module selected by its go.mod in one run, is
// linted and reported once.
//
// # Usage
//
//	atomicjson-hook [flags] [--] files...
//	atomicjson-hook -all-modules [flags]
//
// -all-modules ignores file arguments and checks every module below the
// current directory (./... in each), skipping the directories named above.
//
// Every other flag is passed to atomicjson unchanged, -tags included (as
// -tags=list or -tags list; it also selects the packages, see above), such as
// -extensions=.json,.geojson, -include-tests or -helper=path (see the
// atomicjson command). Write flags with their values as -name=value; the
// analyzer's value flags also take their value as the next argument. File
// names follow the flags, or everything after "--".
//
// The atomicjson command is looked up next to this program's executable
// first (go install, as pre-commit's golang language uses, installs both
// into the same directory), then on PATH.
//
// # Exit codes
//
// The highest exit code of the atomicjson runs, each failing run named by
// its module on standard error, so as for atomicjson: 0
// nothing reported, 1 a run failed (including a package that does not
// load, or atomicjson not being found), 2 a bad flag, 3 diagnostics were
// reported.
package main
