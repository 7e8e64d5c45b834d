package main

import (
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// A job is one run of atomicjson: the packages Patterns of the module whose
// root directory is Dir.
type job struct {
	Dir      string
	Patterns []string
}

// planFiles maps files (relative to cwd or absolute) to one job per module,
// ordered by module directory. skipped describes, one line per file, the
// files that select no package and why.
func planFiles(cwd string, files []string) (jobs []job, skipped []string) {
	byModule := make(map[string]map[string]bool) // module dir → patterns
	for _, name := range files {
		path := name
		if !filepath.IsAbs(path) {
			path = filepath.Join(cwd, path)
		}
		path = filepath.Clean(path)
		base := filepath.Base(path)
		if base != "go.mod" && base != "go.sum" && !strings.HasSuffix(base, ".go") {
			skipped = append(skipped, name+": not a Go source, go.mod or go.sum file")
			continue
		}
		// Checked from cwd (the repository root under pre-commit) too, so
		// that modules of their own under testdata and the like are left
		// out, as -all-modules leaves them out.
		if rel, err := filepath.Rel(cwd, filepath.Dir(path)); err == nil && !strings.HasPrefix(rel, "..") {
			if elem := ignoredElem(rel); elem != "" {
				skipped = append(skipped, name+": in "+elem+", which the go command leaves out of ./...")
				continue
			}
		}
		mod, ok := moduleOf(filepath.Dir(path))
		if !ok {
			skipped = append(skipped, name+": not in a Go module (no go.mod above it)")
			continue
		}
		pattern, why := packagePattern(mod, path)
		if pattern == "" {
			skipped = append(skipped, name+": "+why)
			continue
		}
		if byModule[mod] == nil {
			byModule[mod] = make(map[string]bool)
		}
		byModule[mod][pattern] = true
	}
	for _, mod := range slices.Sorted(maps.Keys(byModule)) {
		pats := byModule[mod]
		if pats["./..."] { // the whole module covers every package
			pats = map[string]bool{"./...": true}
		}
		jobs = append(jobs, job{Dir: mod, Patterns: slices.Sorted(maps.Keys(pats))})
	}
	return jobs, skipped
}

// moduleOf returns the nearest directory at or above dir that holds a
// go.mod file, as the go command finds the main module. dir need not exist
// (a deleted file's directory may be gone too).
func moduleOf(dir string) (string, bool) {
	for {
		if info, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil && info.Mode().IsRegular() {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// packagePattern returns the package pattern, relative to the module root
// mod, that the file at path selects, or "" and the reason it selects none.
func packagePattern(mod, path string) (pattern, why string) {
	rel, err := filepath.Rel(mod, filepath.Dir(path))
	if err != nil {
		return "", err.Error()
	}
	rel = filepath.ToSlash(rel)
	if base := filepath.Base(path); base == "go.mod" || base == "go.sum" {
		return "./...", ""
	}
	if elem := ignoredElem(rel); elem != "" {
		return "", "in " + elem + ", which the go command leaves out of ./..."
	}
	if !hasGoFiles(filepath.Dir(path)) {
		return "", "no Go files left in its directory"
	}
	if rel == "." {
		return ".", ""
	}
	return "./" + rel, ""
}

// ignoredDir reports whether the go command skips a directory of this name
// when it expands ./... .
func ignoredDir(name string) bool {
	return name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}

// ignoredElem returns the first element of the relative directory path
// rel that the go command skips when it expands ./..., or "".
func ignoredElem(rel string) string {
	if rel == "." {
		return ""
	}
	for _, elem := range strings.Split(filepath.ToSlash(rel), "/") {
		if ignoredDir(elem) {
			return elem
		}
	}
	return ""
}

// hasGoFiles reports whether dir holds a .go file.
func hasGoFiles(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".go") {
			return true
		}
	}
	return false
}

// planAll returns a ./... job for every module at or below root, skipping
// the directories the go command leaves out of ./... .
func planAll(root string) ([]job, error) {
	var jobs []job
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && ignoredDir(d.Name()) {
			return filepath.SkipDir
		}
		if !d.IsDir() && d.Name() == "go.mod" && d.Type().IsRegular() {
			jobs = append(jobs, job{Dir: filepath.Dir(path), Patterns: []string{"./..."}})
		}
		return nil
	})
	return jobs, err
}
