// Package exts is checked with -extensions=.geojson,.JSON5.
package exts

import "os"

// write has no data fact: each write either is reported or names a file
// that is provably not a target (.json is not in the list here).
func write(b []byte) {
	os.WriteFile("map.geojson", b, 0o644) // want `os\.WriteFile writes "map\.geojson" non-atomically: path ends in \.geojson`
	os.WriteFile("MAP.GEOJSON", b, 0o644) // want `path ends in \.geojson`
	os.WriteFile("conf.json5", b, 0o644)  // want `path ends in \.json5`
	os.WriteFile("plain.json", b, 0o644)  // .json is not in the list
	os.WriteFile("log.jsonl", b, 0o644)
}
