package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// listedPackage is what go list says about one package of a job.
type listedPackage struct {
	dir   string // absolute
	files int    // Go files that build under the current tags and GOOS, tests included
	err   string // the package's error, if any
}

// buildable narrows a job to the packages that have something to lint
// under the build tags and GOOS of this run, as go list reports them. A
// module of pinned tools (a tools.go behind //go:build tools) or a package
// whose files are all for another OS has none, and would otherwise fail
// the run with "matched no packages" or "build constraints exclude all Go
// files". A package with any other error is kept, so that atomicjson
// reports it. When go list itself fails, the job is left as it is.
func buildable(j job, tags string) (job, []listedPackage, error) {
	args := []string{"list", "-e", "-f", "{{.Dir}}\t{{len .GoFiles}}\t{{len .CgoFiles}}\t{{len .TestGoFiles}}\t{{len .XTestGoFiles}}\t{{if .Error}}{{.Error.Err}}{{end}}"}
	if tags != "" {
		args = append(args, "-tags="+tags)
	}
	cmd := exec.Command("go", append(args, j.Patterns...)...)
	cmd.Dir = j.Dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return j, nil, fmt.Errorf("go list: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	var pkgs []listedPackage
	for line := range strings.Lines(string(out)) {
		f := strings.Split(strings.TrimRight(line, "\n"), "\t")
		if len(f) != 6 {
			continue
		}
		p := listedPackage{dir: f[0], err: f[5]}
		for _, n := range f[1:5] {
			k, _ := strconv.Atoi(n)
			p.files += k
		}
		pkgs = append(pkgs, p)
	}
	var keep []string
	dropped := false
	for _, p := range pkgs {
		if p.files == 0 && (p.err == "" || noGoFiles(p.err)) {
			dropped = true
			continue
		}
		keep = append(keep, p.dir)
	}
	if !dropped && len(keep) > 0 {
		return j, pkgs, nil // every package counts: the patterns say it shortest
	}
	out2 := job{Dir: j.Dir}
	for _, dir := range keep {
		out2.Patterns = append(out2.Patterns, relPattern(j.Dir, dir))
	}
	return out2, pkgs, nil
}

// noGoFiles reports whether a package error says only that nothing builds.
func noGoFiles(err string) bool {
	return strings.Contains(err, "build constraints exclude all Go files") || strings.Contains(err, "no Go files in")
}

// relPattern returns the package pattern of the directory dir in the module
// rooted at mod.
func relPattern(mod, dir string) string {
	rel, err := filepath.Rel(mod, dir)
	if err != nil {
		return dir
	}
	if rel == "." {
		return "."
	}
	return "./" + filepath.ToSlash(rel)
}

// modulePath returns the module path declared in the go.mod of dir, or dir
// itself when it cannot be read: what failure messages name the module by.
func modulePath(dir string) string {
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return dir
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "module"); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
			rest, _, _ = strings.Cut(rest, "//")
			if p := strings.Trim(strings.TrimSpace(rest), `"`+"`"); p != "" {
				return p
			}
		}
	}
	return dir
}
