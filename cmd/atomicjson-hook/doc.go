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
// builds, so it selects the whole module (./...). Files the go command would
// not build as part of ./... are skipped: those under testdata, vendor, or
// a directory whose name starts with . or _. A file outside any module is
// skipped with a note on standard error, and a file that no longer exists
// selects its directory only while that directory still holds Go files.
//
// # Usage
//
//	atomicjson-hook [flags] [--] files...
//	atomicjson-hook -all-modules [flags]
//
// -all-modules ignores file arguments and checks every module below the
// current directory (./... in each), skipping the directories named above.
//
// Every other flag is passed to atomicjson unchanged, such as
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
// The highest exit code of the atomicjson runs, so as for atomicjson: 0
// nothing reported, 1 a run failed (including a package that does not
// load, or atomicjson not being found), 2 a bad flag, 3 diagnostics were
// reported.
package main
