package atomicfs

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestCleanTemps removes only regular files named like this package's temp files and older than
// the limit: never lock files, look-alikes, directories or links.
func TestCleanTemps(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-time.Hour)
	files := map[string]bool{ // name -> removed by CleanTemps(dir, time.Minute)
		".config.json.tmp-0123456789az":   true,
		".x.tmp-abcdefghijkl":             true,
		".a.tmp-b.tmp-000000000000":       true,
		"config.json":                     false,
		"config.json.lock":                false,
		".config.json.lock":               false,
		"config.json.tmp-0123456789az":    false, // no leading dot
		".config.json.tmp-0123456789AZ":   false, // not base 36 lower case
		".config.json.tmp-0123456789a":    false, // too short
		".config.json.tmp-0123456789abc":  false, // too long
		".config.json.tmp-0123456789ab.x": false,
		".tmp-0123456789ab":               false, // no base name
	}
	for name := range files {
		writeRaw(t, filepath.Join(dir, name), []byte("x"), 0o644)
		if err := os.Chtimes(filepath.Join(dir, name), old, old); err != nil {
			t.Fatal(err)
		}
	}
	young := ".young.json.tmp-0123456789ab" // a write in progress
	writeRaw(t, filepath.Join(dir, young), []byte("x"), 0o644)
	if err := os.Mkdir(filepath.Join(dir, ".d.tmp-0123456789ab"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("config.json", filepath.Join(dir, ".l.tmp-0123456789ab")); err != nil {
		t.Fatal(err)
	}

	removed, err := CleanTemps(dir, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for name, gone := range files {
		if gone {
			want = append(want, filepath.Join(dir, name))
		}
	}
	slices.Sort(want)
	slices.Sort(removed)
	if !slices.Equal(removed, want) {
		t.Errorf("removed %q, want %q", removed, want)
	}
	for name, gone := range files {
		if _, err := os.Lstat(filepath.Join(dir, name)); (err == nil) == gone {
			t.Errorf("%s: exists=%v after CleanTemps", name, err == nil)
		}
	}
	for _, name := range []string{young, ".d.tmp-0123456789ab", ".l.tmp-0123456789ab"} {
		if _, err := os.Lstat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s removed: %v", name, err)
		}
	}

	// Any age: the young temp file goes too.
	removed, err = CleanTemps(dir, 0)
	if err != nil || !slices.Equal(removed, []string{filepath.Join(dir, young)}) {
		t.Errorf("CleanTemps(dir, 0) = %q, %v; want the young temp file", removed, err)
	}

	_, err = CleanTemps(filepath.Join(dir, "missing"), 0)
	wantStepError(t, err, "clean temps in", filepath.Join(dir, "missing"))
}
