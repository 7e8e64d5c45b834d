package atomicfs

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"iter"
	"maps"
	"slices"
	"strings"
)

// crashExpect is what every state a power cut may leave must show, for a trace of one call that
// replaces Target: the old content or the new, and once the call has returned, the new.
type crashExpect struct {
	Target string // slash-separated, from the model's root
	Old    []byte // nil: the target did not exist before the call
	New    []byte
	// Returned is the point from which the call had returned, normally the trace's length (the
	// trace ends with the call).
	Returned int
	// Failed says the call returned an error: from Returned on, the old content is required (a
	// failed call must leave the target as it was).
	Failed bool
	// Unchanged are other files (paths from the root) that must keep this content in every state.
	Unchanged map[string][]byte
	// Links are symbolic links (paths from the root) that must stay links to these targets.
	Links map[string]string
	// Leftover, if set, says which file names a power cut may leave beside those the initial
	// state had and the target (the temp files CleanTemps removes): any other file is a stray.
	Leftover func(name string) bool
}

// crashPoint counts the states of one power cut.
type crashPoint struct {
	After      string // when power was cut: "at start" or "after" the operation
	States     int    // states enumerated
	Distinct   int    // distinct file system states among them (reachable names and contents)
	Violations int
}

// crashReport is the outcome of checking every state of every power cut of a trace.
type crashReport struct {
	Points     []crashPoint
	Violations []string // the first few, described
	violations int
	kinds      map[string]int // violations by kind: "missing", "empty", "partial", "old after return", ...
}

func (r *crashReport) states() int {
	n := 0
	for _, p := range r.Points {
		n += p.States
	}
	return n
}

func (r *crashReport) distinct() int {
	n := 0
	for _, p := range r.Points {
		n += p.Distinct
	}
	return n
}

// table describes the counts, one line per power cut, for the test log.
func (r *crashReport) table() string {
	var b strings.Builder
	for i, p := range r.Points {
		fmt.Fprintf(&b, "\n  cut %2d %-56s %6d states, %5d distinct, %5d violations", i, p.After, p.States, p.Distinct, p.Violations)
	}
	return b.String()
}

const maxReportedViolations = 5

// checkCrashStates enumerates the states of every power cut of ops (from the durable state
// initial) and checks each against want.
func checkCrashStates(m crashModel, initial *crashFS, ops []crashOp, want crashExpect) (*crashReport, error) {
	rep := &crashReport{Points: make([]crashPoint, len(ops)+1), kinds: map[string]int{}}
	seen := make([]map[uint64]bool, len(ops)+1)
	seed := maphash.MakeSeed()
	had := map[string]bool{want.Target: true}
	for path := range crashFilePaths(initial) {
		had[path] = true
	}
	counts, err := crashEnumerate(m, initial, ops, func(point int, s *crashFS) {
		if seen[point] == nil {
			seen[point] = map[uint64]bool{}
		}
		seen[point][stateKey(seed, s)] = true
		kind, detail := checkCrashState(s, want, point >= want.Returned, had)
		if kind == "" {
			return
		}
		rep.Points[point].Violations++
		rep.violations++
		rep.kinds[kind]++
		if v := fmt.Sprintf("power cut %d (%s): %s", point, cutName(ops, point), detail); len(rep.Violations) < maxReportedViolations && !slices.Contains(rep.Violations, v) {
			rep.Violations = append(rep.Violations, v)
		}
	})
	if err != nil {
		return nil, err
	}
	for i, n := range counts {
		rep.Points[i].States = n
		rep.Points[i].Distinct = len(seen[i])
		rep.Points[i].After = cutName(ops, i)
	}
	return rep, nil
}

// cutName says when power cut point of ops is: at the start or after an operation.
func cutName(ops []crashOp, point int) string {
	if point == 0 {
		return "at start"
	}
	return "after " + ops[point-1].String()
}

// checkCrashState checks one state: it returns the kind of violation and its description, or ""
// if the state is one the call may leave.
func checkCrashState(s *crashFS, want crashExpect, returned bool, had map[string]bool) (kind, detail string) {
	if want.Leftover != nil {
		for path := range crashFilePaths(s) {
			if !had[path] && !want.Leftover(path[strings.LastIndex(path, "/")+1:]) {
				return "stray", fmt.Sprintf("%s, which the call should not leave, %s", path, describeCrashFile(s, s.lookupEntry(path)))
			}
		}
	}
	for _, path := range slices.Sorted(maps.Keys(want.Unchanged)) {
		obj := s.lookup(path)
		if data, ok := s.Files[obj]; !ok || !bytes.Equal(data, want.Unchanged[path]) {
			return "bystander", fmt.Sprintf("%s, which the call does not write, %s", path, describeCrashFile(s, obj))
		}
	}
	for _, path := range slices.Sorted(maps.Keys(want.Links)) {
		if got, ok := s.Links[s.lookupEntry(path)]; !ok || got != want.Links[path] {
			return "link replaced", fmt.Sprintf("%s is no longer a link to %s", path, want.Links[path])
		}
	}
	obj := s.lookup(want.Target)
	data, isFile := s.Files[obj]
	isNew := isFile && bytes.Equal(data, want.New)
	isOld := (want.Old == nil && obj == 0) || (want.Old != nil && isFile && bytes.Equal(data, want.Old))
	switch {
	case returned && want.Failed && isOld:
		return "", ""
	case returned && want.Failed && isNew:
		return "new after failure", fmt.Sprintf("%s holds the new content though the call failed", want.Target)
	case isNew:
		return "", ""
	case isOld && !returned:
		return "", ""
	case isOld:
		return "old after return", fmt.Sprintf("%s still holds the old content after the call returned", want.Target)
	case obj == 0:
		return "missing", fmt.Sprintf("%s is missing", want.Target)
	case !isFile:
		return "not a file", fmt.Sprintf("%s is a directory", want.Target)
	case len(data) == 0:
		return "empty", fmt.Sprintf("%s is empty", want.Target)
	}
	return "partial", fmt.Sprintf("%s %s", want.Target, describeCrashFile(s, obj))
}

// describeCrashFile says what a state holds in obj, briefly, for a violation.
func describeCrashFile(s *crashFS, obj crashObj) string {
	data, ok := s.Files[obj]
	switch {
	case obj == 0:
		return "is missing"
	case s.Links[obj] != "":
		return "is a link to " + s.Links[obj]
	case !ok:
		return "is a directory"
	}
	start := data[:min(len(data), 24)]
	return fmt.Sprintf("holds %d bytes, %d of them zero, starting %q", len(data), bytes.Count(data, []byte{0}), start)
}

// crashFilePaths yields the path of every file and link in s, not following links.
func crashFilePaths(s *crashFS) iter.Seq[string] {
	return func(yield func(string) bool) {
		var walk func(dir crashObj, prefix string, depth int) bool
		walk = func(dir crashObj, prefix string, depth int) bool {
			for name, obj := range s.Dirs[dir] {
				if _, isDir := s.Dirs[obj]; !isDir {
					if !yield(prefix + name) {
						return false
					}
				} else if depth < 64 && !walk(obj, prefix+name+"/", depth+1) {
					return false
				}
			}
			return true
		}
		walk(s.Root, "", 0)
	}
}

// stateKey identifies a state by what a program can see in it: the names reachable from the
// root and the content of the files they name (a hash: keys are only compared for counting).
func stateKey(seed maphash.Seed, s *crashFS) uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	var walk func(dir crashObj, depth int)
	walk = func(dir crashObj, depth int) {
		entries := s.Dirs[dir]
		for _, name := range slices.Sorted(maps.Keys(entries)) {
			obj := entries[name]
			fmt.Fprintf(&h, "%d/%s\x00", depth, name)
			if data, ok := s.Files[obj]; ok {
				fmt.Fprintf(&h, "%d\x00", len(data))
				h.Write(data)
			} else if target, ok := s.Links[obj]; ok {
				fmt.Fprintf(&h, "->%s\x00", target)
			} else if depth < 64 {
				walk(obj, depth+1)
			}
		}
	}
	walk(s.Root, 0)
	return h.Sum64()
}
