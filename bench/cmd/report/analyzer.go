package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/atomicjson/atomicjson/bench/internal/proc"
	"github.com/atomicjson/atomicjson/bench/internal/stats"
)

// analyzerTarget is the project's speed target for the analyzer: atomicjson
// at most 1.3× the no-op analyzer with facts, in wall time and in peak RSS.
const analyzerTarget = 1.3

// The large real module: x/tools at the version the project builds with.
const (
	xtoolsModule  = "golang.org/x/tools"
	xtoolsVersion = "v0.52.0"
)

// target is a set of packages the analyzers run on.
type target struct {
	name     string
	dir      string   // working directory
	patterns []string // package patterns
	env      []string // extra environment
	// extra is how many more rounds than the default the target gets: a
	// target whose runs take seconds is cheap to sample more, and needs it,
	// because a short run is the most exposed to the machine's other load.
	extra int
}

// driver is one analysis command. vetBuiltin marks go vet's own analyzers.
type driver struct {
	name, path string
}

// measurement is one sample: wall time, peak RSS, and (under go vet) the
// CPU time and count of the analysis processes.
type measurement struct {
	wall, rss, cpu float64
	procs          int
}

func analyzerSection(w io.Writer, cfg config) error {
	standaloneRounds, vetRounds := 3, 2
	if cfg.quick {
		standaloneRounds, vetRounds = 1, 1
	}
	benchDir, err := moduleDir()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "atomicjson-bench-analyzer-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	logf("analyzer: building atomicjson, noop-facts, noop")
	bin := filepath.Join(tmp, "bin")
	build := exec.Command("go", "build", "-o", bin+string(filepath.Separator),
		"github.com/atomicjson/atomicjson/cmd/atomicjson", "./cmd/noop-facts", "./cmd/noop")
	build.Dir = benchDir
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("building the analysis commands: %v\n%s", err, out)
	}
	atomicjson := driver{"atomicjson", filepath.Join(bin, "atomicjson")}
	noopFacts := driver{"noop-facts", filepath.Join(bin, "noop-facts")}
	noop := driver{"noop", filepath.Join(bin, "noop")}
	vetTool, err := goEnv("GOTOOLDIR")
	if err != nil {
		return err
	}
	builtinVet := driver{"go vet (its own analyzers)", filepath.Join(vetTool, "vet")}

	// What a measured child's peak RSS includes of the wrapper around it.
	var wrapperFloor int64
	if truePath, err := exec.LookPath("true"); err == nil {
		res, err := measured(exec.Command(truePath), tmp)
		if err != nil {
			return err
		}
		wrapperFloor = res.MaxRSS
	}

	xtools, err := copyXTools()
	if err != nil {
		return err
	}
	targets := []target{
		{name: "std", dir: benchDir, patterns: []string{"std"}},
		{name: xtoolsModule + "@" + xtoolsVersion, dir: xtools, patterns: []string{"./..."},
			env:   []string{"GOFLAGS=" + strings.TrimSpace(os.Getenv("GOFLAGS")+" -mod=mod"), "GOWORK=off"},
			extra: 2},
	}
	warmStart := time.Now()
	for _, t := range targets {
		logf("analyzer: warming the build cache for %s (untimed)", t.name)
		warm := exec.Command("go", append([]string{"list", "-e", "-export", "-deps", "-test"}, t.patterns...)...)
		var stderr bytes.Buffer
		warm.Dir, warm.Env, warm.Stdout, warm.Stderr = t.dir, append(os.Environ(), t.env...), io.Discard, &stderr
		if err := warm.Run(); err != nil {
			return fmt.Errorf("warming the cache for %s: %v\n%s", t.name, err, stderr.Bytes())
		}
	}

	warmup := time.Since(warmStart)

	standalone := []driver{atomicjson, noopFacts, noop}
	vetTools := []driver{atomicjson, noopFacts, builtinVet}
	standaloneRes := map[string][]measurement{}
	vetRes := map[string][]measurement{}
	findings := map[string]int{}
	key := func(t target, d driver) string { return t.name + "\x00" + d.name }
	rounds := 0
	for _, t := range targets {
		rounds = max(rounds, max(standaloneRounds, vetRounds)+t.extra)
	}
	for r := range rounds {
		for _, t := range targets {
			if r < standaloneRounds+t.extra {
				for j := range standalone {
					d := standalone[(j+r)%len(standalone)]
					logf("analyzer: round %d: %s %s", r+1, d.name, t.name)
					m, n, err := runStandalone(t, d, tmp)
					if err != nil {
						return err
					}
					standaloneRes[key(t, d)] = append(standaloneRes[key(t, d)], m)
					if d == atomicjson {
						findings[t.name] = n
					}
				}
			}
			if r < vetRounds+t.extra {
				for j := range vetTools {
					d := vetTools[(j+r)%len(vetTools)]
					if d == builtinVet && r > 0 {
						continue // context only: one run keeps the report within its time budget
					}
					logf("analyzer: round %d: go vet -vettool=%s %s", r+1, d.name, t.name)
					m, err := runVet(t, d, tmp, fmt.Sprintf("%d-%d-%d", os.Getpid(), r, j))
					if err != nil {
						return err
					}
					vetRes[key(t, d)] = append(vetRes[key(t, d)], m)
				}
			}
		}
	}

	med := func(ms []measurement, f func(measurement) float64) float64 {
		var xs []float64
		for _, m := range ms {
			xs = append(xs, f(m))
		}
		return stats.Median(xs)
	}
	wall := func(m measurement) float64 { return m.wall }
	rss := func(m measurement) float64 { return m.rss }
	cpu := func(m measurement) float64 { return m.cpu }
	var verdicts []string
	check := func(where string, t target, res map[string][]measurement) {
		a, b := res[key(t, atomicjson)], res[key(t, noopFacts)]
		rw, rr, rc := med(a, wall)/med(b, wall), med(a, rss)/med(b, rss), med(a, cpu)/med(b, cpu)
		ok := rw <= analyzerTarget && rr <= analyzerTarget
		verdict := map[bool]string{true: "met", false: "**MISSED**"}[ok]
		line := fmt.Sprintf("- %s, %s: wall %.2f×, peak RSS %.2f× the no-op with facts (CPU %.2f×): %s", where, t.name, rw, rr, rc, verdict)
		if rw > analyzerTarget && rc <= analyzerTarget {
			line += fmt.Sprintf(". The analysis used only %.2f× the CPU time of noop-facts, so the extra wall time is not work the analyzer does; it comes from the machine's other load during these %d short runs", rc, len(a))
		}
		verdicts = append(verdicts, line)
	}

	fmt.Fprintf(w, "## The analyzer against no-op analyzers\n\n")
	fmt.Fprintf(w, "Every command is the same `singlechecker` driver (golang.org/x/tools %s) with a different analyzer: ", xtoolsVersion)
	fmt.Fprintf(w, "**noop-facts** declares one fact type and, like atomicjson, requires no other analyzer, but does nothing (the package-loading floor of a cross-package analyzer; the baseline), **noop** declares no facts, **atomicjson** is the real pass. ")
	fmt.Fprintf(w, "The build cache is warm: export data is compiled before timing (`go list -export -deps -test`; %s in this run, part of the run time above). Medians, contenders interleaved; ratios are to noop-facts.\n\n", warmup.Round(time.Second))
	fmt.Fprintf(w, "### Standalone (`<command> -json <packages>`, tests included as by default), %s rounds\n\n", roundCounts(targets, standaloneRounds))
	fmt.Fprintf(w, "Peak RSS is the driver process's `ru_maxrss` (one process loads and analyzes everything), read by a small wrapper process (see bench/cmd/report/measure.go for why); the wrapper's own share, measured on `true`, is %s.\n\n", fmtBytes(wrapperFloor))
	fmt.Fprintf(w, "| packages | command | wall | vs noop-facts | peak RSS | vs noop-facts | CPU (user+sys) | vs noop-facts |\n|---|---|--:|--:|--:|--:|--:|--:|\n")
	for _, t := range targets {
		base := standaloneRes[key(t, noopFacts)]
		for _, d := range standalone {
			ms := standaloneRes[key(t, d)]
			fmt.Fprintf(w, "| %s | %s | %s | %.2f× | %s | %.2f× | %s | %.2f× |\n", t.name, d.name,
				fmtDur(med(ms, wall)), med(ms, wall)/med(base, wall), fmtBytes(int64(med(ms, rss))), med(ms, rss)/med(base, rss),
				fmtDur(med(ms, cpu)), med(ms, cpu)/med(base, cpu))
		}
		check("standalone", t, standaloneRes)
	}
	fmt.Fprintln(w)
	for _, t := range targets {
		fmt.Fprintf(w, "atomicjson reported %d diagnostics on %s.\n", findings[t.name], t.name)
	}
	fmt.Fprintln(w)

	fmt.Fprintf(w, "### Under go vet (`go vet -json -vettool=<command> <packages>`), cold vet cache, %s rounds\n\n", roundCounts(targets, vetRounds))
	fmt.Fprintf(w, "go vet runs one analysis process per package and caches its facts and results. Each run salts the tool's version (`-V=full`), so every vet action misses the cache (facts and diagnostics computed afresh) while compiled export data stays cached: the comparison is of the analysis, not of the compiler. ")
	fmt.Fprintf(w, "Wall is the whole `go vet` run. Peak RSS is the largest `ru_maxrss` of any per-package analysis process (a wrapper records each one; its own share is about %s, as above); CPU sums user+system time over those processes. ", fmtBytes(wrapperFloor))
	fmt.Fprintf(w, "The go vet row runs go vet's own analyzers through the same wrapper, for context (one run, in the first round).\n\n")
	fmt.Fprintf(w, "| packages | tool | wall | vs noop-facts | peak RSS (one package) | vs noop-facts | CPU (all packages) | vs noop-facts | packages analyzed |\n|---|---|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, t := range targets {
		base := vetRes[key(t, noopFacts)]
		for _, d := range vetTools {
			ms := vetRes[key(t, d)]
			fmt.Fprintf(w, "| %s | %s | %s | %.2f× | %s | %.2f× | %s | %.2f× | %d |\n", t.name, d.name,
				fmtDur(med(ms, wall)), med(ms, wall)/med(base, wall),
				fmtBytes(int64(med(ms, rss))), med(ms, rss)/med(base, rss),
				fmtDur(med(ms, cpu)), med(ms, cpu)/med(base, cpu), ms[0].procs)
		}
		check("under go vet", t, vetRes)
	}
	fmt.Fprintf(w, "\nTarget: atomicjson ≤ %.1f× noop-facts in wall time and peak RSS.\n\n%s\n\n", analyzerTarget, strings.Join(verdicts, "\n"))
	return nil
}

// roundCounts says how many rounds each target got.
func roundCounts(targets []target, base int) string {
	var parts []string
	for _, t := range targets {
		parts = append(parts, fmt.Sprintf("%d for %s", base+t.extra, t.name))
	}
	return strings.Join(parts, ", ")
}

// runStandalone runs d on t once and returns the measurement and the
// number of diagnostics it reported.
func runStandalone(t target, d driver, tmp string) (measurement, int, error) {
	cmd := exec.Command(d.path, append([]string{"-json"}, t.patterns...)...)
	cmd.Dir, cmd.Env = t.dir, append(os.Environ(), t.env...)
	res, err := measured(cmd, tmp)
	if err != nil {
		return measurement{}, 0, err
	}
	n, err := countDiagnostics(res.Stdout)
	if err != nil {
		return measurement{}, 0, fmt.Errorf("%s on %s: %w", d.name, t.name, err)
	}
	return measurement{wall: res.Wall.Seconds(), rss: float64(res.MaxRSS), cpu: res.CPU.Seconds(), procs: 1}, n, nil
}

// countDiagnostics counts the diagnostics in singlechecker's -json output:
// {"pkg": {"analyzer": [diagnostic...] or {"error": ...}}}.
func countDiagnostics(out []byte) (int, error) {
	var res map[string]map[string]json.RawMessage
	if err := json.Unmarshal(out, &res); err != nil {
		return 0, fmt.Errorf("reading -json output: %w", err)
	}
	n := 0
	for _, byAnalyzer := range res {
		for _, raw := range byAnalyzer {
			var diags []json.RawMessage
			if json.Unmarshal(raw, &diags) == nil {
				n += len(diags)
			}
		}
	}
	return n, nil
}

// runVet runs go vet on t with d as the vet tool, through the wrapper.
func runVet(t target, d driver, tmp, salt string) (measurement, error) {
	exe, err := os.Executable()
	if err != nil {
		return measurement{}, err
	}
	log := filepath.Join(tmp, "vet-"+salt+".log")
	cmd := exec.Command("go", append([]string{"vet", "-json", "-vettool=" + exe}, t.patterns...)...)
	cmd.Dir = t.dir
	cmd.Env = append(os.Environ(), t.env...)
	cmd.Env = append(cmd.Env, childEnv+"="+roleVetWrap, vetToolEnv+"="+d.path, vetSaltEnv+"="+salt, vetLogEnv+"="+log)
	res, err := proc.Run(cmd)
	if err != nil {
		return measurement{}, err
	}
	m := measurement{wall: res.Wall.Seconds()}
	f, err := os.Open(log)
	if err != nil {
		return m, fmt.Errorf("go vet -vettool=%s on %s ran no analysis (a warm vet cache?): %w", d.name, t.name, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 3 {
			return m, fmt.Errorf("bad vet log line %q", sc.Text())
		}
		rss, _ := strconv.ParseFloat(fields[1], 64)
		cpu, _ := strconv.ParseFloat(fields[2], 64)
		m.rss = max(m.rss, rss)
		m.cpu += cpu / 1e9
		m.procs++
	}
	return m, sc.Err()
}

// moduleDir returns the bench module's directory: the runner runs there
// (go -C bench run ./cmd/report).
func moduleDir() (string, error) {
	gomod, err := goEnv("GOMOD")
	if err != nil {
		return "", err
	}
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("not inside a module: run as go -C bench run ./cmd/report")
	}
	data, err := os.ReadFile(gomod)
	if err != nil {
		return "", err
	}
	if !bytes.Contains(data, []byte("module github.com/atomicjson/atomicjson/bench\n")) {
		return "", fmt.Errorf("%s is not the bench module: run as go -C bench run ./cmd/report", gomod)
	}
	return filepath.Dir(gomod), nil
}

func goEnv(name string) (string, error) {
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		return "", fmt.Errorf("go env %s: %w", name, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// copyXTools copies x/tools from the module cache (downloading it if
// needed) into a writable directory: the module cache is read-only, and
// resolving the module's own dependencies may need to update its go.sum.
// The copy lives in the user cache directory and is reused, because the
// compiled packages of a main module are cached by directory: a fresh
// copy each run would recompile x/tools and its tests (about 1.5 minutes
// on 2 cores) before every report.
func copyXTools() (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	dst := filepath.Join(cache, "atomicjson-bench", "x-tools@"+xtoolsVersion)
	complete := filepath.Join(dst, ".copy-complete")
	if _, err := os.Stat(complete); err == nil {
		return dst, nil
	}
	out, err := exec.Command("go", "mod", "download", "-json", xtoolsModule+"@"+xtoolsVersion).Output()
	if err != nil {
		return "", fmt.Errorf("go mod download %s@%s: %w", xtoolsModule, xtoolsVersion, err)
	}
	var info struct{ Dir string }
	if err := json.Unmarshal(out, &info); err != nil || info.Dir == "" {
		return "", fmt.Errorf("go mod download %s@%s: no directory in %s", xtoolsModule, xtoolsVersion, out)
	}
	if err := os.RemoveAll(dst); err != nil {
		return "", err
	}
	err = filepath.WalkDir(info.Dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(info.Dir, path)
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(to, data, 0o644)
	})
	if err != nil {
		return "", fmt.Errorf("copying %s: %w", info.Dir, err)
	}
	return dst, os.WriteFile(complete, nil, 0o644)
}
