// Package analyzer defines the atomicjson analysis pass, which reports writes
// of JSON files that a crash can leave empty or half-written.
//
// os.WriteFile, ioutil.WriteFile, os.Create and an os.OpenFile that creates
// or truncates for writing all truncate the target first and write second: a
// crash, a kill -9 or a power cut in between leaves an empty or partial file,
// and for JSON that means an unparseable config, index or state file. The
// pass reports such a write when it can prove that the target is JSON:
//
//   - the path is known to end in .json (or another extension given with
//     -extensions): literals, constants from any package, concatenation,
//     filepath.Join, path.Join, fmt.Sprintf, strings.Join, local variables,
//     package-level variables that are never reassigned, struct fields set
//     in the same function, and functions in any package that return such
//     a path;
//   - the data comes from encoding/json (json.Marshal, json.MarshalIndent,
//     a json.Encoder into a bytes.Buffer, json.Indent, json.Compact);
//   - the *os.File is fed to json.NewEncoder, directly or through
//     bufio.NewWriter or io.MultiWriter;
//   - a wrapper function, in any package, passes its argument to such a
//     write: the call of the wrapper is reported where the argument proves
//     the target is JSON.
//
// It also reports hand-rolled temp-file-and-rename code that renames a file
// onto a JSON target without calling (*os.File).Sync first, which leaves a
// zero-length file after a power cut on ext4, xfs and btrfs.
//
// Not reported: the helper package itself (-helper), O_APPEND and O_EXCL
// opens (nothing existing is truncated), paths whose every known value ends
// in an extension outside -extensions (events.jsonl, audit.log,
// values.yaml: not JSON documents by name, whatever bytes they get), files
// in a directory that the same function has just created with os.MkdirTemp,
// ioutil.TempDir or t.TempDir, /dev paths, and _test.go files unless
// -include-tests is set.
//
// The cure is atomicfs.WriteFile or atomicfs.WriteJSON from
// github.com/atomicjson/atomicjson/atomicfs: temp file, fsync, verify,
// rename, fsync the directory. The pass suggests that rewrite where it is
// mechanical.
//
// A write is silenced by a directive at the end of its line, or alone on
// the line above it (the line after the directive's comment group):
//
//	//atomicjson:ignore <reason>
//
// A directive without a reason is itself reported and silences nothing, as
// is any other comment spelled //atomicjson:... . Generated files (a
// "// Code generated ... DO NOT EDIT." line) are skipped: nothing in them is
// reported and their functions are not wrappers.
//
// The pass follows values on the typed syntax tree (as the hostport pass
// does) instead of building SSA, so that linting a whole module costs little
// more than loading it; cross-package knowledge travels in analysis facts.
package analyzer
