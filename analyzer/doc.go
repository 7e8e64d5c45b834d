// Package analyzer defines an Analyzer that reports writes of JSON files
// that a crash can leave empty or half-written.
//
// # Analyzer atomicjson
//
// atomicjson: report non-atomic writes of JSON files
//
// os.WriteFile, ioutil.WriteFile, os.Create and an os.OpenFile that creates
// or truncates for writing (or opens for writing, then calls f.Truncate)
// all truncate the target first and write second:
// a crash, a kill -9 or a power cut in between leaves an empty or partial
// file, and for JSON that means an unparseable config, index or state file.
// The pass reports such a write when it can prove that the target is JSON:
//
//   - the path is known to end in .json (or another extension given with
//     -extensions): literals, constants from any package, concatenation,
//     filepath.Join and path.Join (also of a spread slice whose last element
//     is known), fmt.Sprintf, strings.Join with a known last element and
//     separator, local variables (the assignments that reach the read),
//     package-level variables never reassigned, struct fields set in the
//     same function (or, unexported, set to JSON paths only, wherever the
//     package sets them), and functions in any package that return such a path
//     or end it with a parameter, variadic ones included;
//   - the data is JSON: from encoding/json, encoding/json/v2 and jsontext,
//     github.com/go-json-experiment/json, github.com/json-iterator/go,
//     github.com/goccy/go-json, github.com/bytedance/sonic,
//     github.com/segmentio/encoding/json, protojson, gojay, sjson and
//     pretty (tidwall), fastjson, YAMLToJSON, a MarshalJSON method, or a
//     project's own package named json (or ending in json); of type
//     json.RawMessage or jsontext.Value; a buffer a JSON encoder filled and
//     nothing emptied since; bytes a JSON decoder or validator
//     (json.Unmarshal, json.Valid, sigs.k8s.io/json, gjson.Valid) parsed
//     before the write; or returned by
//     a function in any package that returns such bytes;
//   - the *os.File is fed to a JSON encoder, directly or through
//     bufio.NewWriter, io.MultiWriter or a helper of the package;
//   - a wrapper function, in any package and at any depth, passes its
//     argument to such a write: the call of the wrapper is reported where
//     the argument proves the target is JSON. When the wrapper's own body
//     proves it, the report stands in the body and its callers are not
//     reported again.
//
// It also reports hand-rolled temp-file-and-rename code that renames a file
// onto a JSON target without fsyncing it first, which leaves a zero-length
// file after a power cut on ext4, xfs and btrfs. The temp file may come from
// a helper that returns it or its name, and the rename may be a helper that
// calls os.Rename (and then fsyncs the directory); a temp opened with O_SYNC
// or O_DSYNC needs no Sync.
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
// rename, fsync the directory. The pass suggests that rewrite, or the
// missing Sync, where it is mechanical.
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
// more than loading it; cross-package knowledge travels in analysis facts,
// and within a package the functions are analysed callees first, once each.
package analyzer
