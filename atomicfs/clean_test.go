package atomicfs

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
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

// TestCleanTempsSparesLiveWriters: a temp file whose write is in flight (a File created, written,
// not yet committed) is never removed, whatever olderThan says, and its Commit succeeds.
func TestCleanTempsSparesLiveWriters(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "x.json")
	f, err := Create(target, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(`{"live":true}` + "\n"); err != nil {
		t.Fatal(err)
	}
	// Make it look abandoned long ago: only its lock can save it.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		old := time.Now().Add(-24 * time.Hour)
		os.Chtimes(filepath.Join(dir, e.Name()), old, old)
	}
	for _, olderThan := range []time.Duration{0, time.Minute} {
		removed, err := CleanTemps(dir, olderThan)
		if err != nil || len(removed) != 0 {
			t.Errorf("CleanTemps(dir, %v) = %q, %v; want nothing removed while the write runs", olderThan, removed, err)
		}
	}
	if err := f.Commit(); err != nil {
		t.Fatalf("Commit after CleanTemps: %v", err)
	}
	wantContent(t, target, []byte(`{"live":true}`+"\n"))
}

// TestCleanTempsBesideWriters: CleanTemps(dir, 0) in a loop beside writers never makes a write
// fail, and removes the abandoned temp file planted among theirs.
func TestCleanTempsBesideWriters(t *testing.T) {
	dir := t.TempDir()
	abandoned := filepath.Join(dir, ".dead.json.tmp-0123456789ab")
	writeRaw(t, abandoned, []byte("x"), 0o600)
	writes := 200
	if testing.Short() {
		writes = 50
	}
	stop := make(chan struct{})
	cleaned := make(chan []string)
	go func() {
		var all []string
		for {
			select {
			case <-stop:
				cleaned <- all
				return
			default:
			}
			removed, err := CleanTemps(dir, 0)
			if err != nil {
				t.Error(err)
			}
			all = append(all, removed...)
		}
	}()
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			target := filepath.Join(dir, "w"+strconv.Itoa(w)+".json")
			for i := range writes {
				if err := WriteFile(target, []byte(strconv.Itoa(i)), 0o644, WithoutSync()); err != nil {
					t.Errorf("write %d beside CleanTemps: %v", i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	if all := <-cleaned; !slices.Contains(all, abandoned) {
		t.Errorf("CleanTemps removed %q, not the abandoned temp file", all)
	}
	wantNoTemps(t, dir)
}
