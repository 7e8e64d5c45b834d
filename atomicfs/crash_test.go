//go:build unix

package atomicfs

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// crashVersion is version k of the document the crash child writes with seed: 1 KiB to 1 MiB,
// log-uniformly, so that both small and large writes are interrupted. The parent regenerates it
// to check that the file holds exactly a version that was written.
type crashVersion struct {
	Seed uint64 `json:"seed"`
	K    int    `json:"k"`
	Pad  string `json:"pad"`
}

func makeCrashVersion(seed uint64, k int) crashVersion {
	r := rand.New(rand.NewPCG(seed, uint64(k)))
	size := int(1024 * math.Exp2(r.Float64()*10)) // 2^0..2^10 KiB
	pad := make([]byte, size)
	for i := range pad {
		pad[i] = 'a' + byte(r.IntN(26))
	}
	return crashVersion{Seed: seed, K: k, Pad: string(pad)}
}

func init() {
	children["crash"] = func() error {
		target := os.Getenv("ATOMICFS_TEST_TARGET")
		seed, err := strconv.ParseUint(os.Getenv("ATOMICFS_TEST_SEED"), 10, 64)
		if err != nil {
			return err
		}
		os.Stdout.WriteString("ready\n")
		for k := 0; ; k++ {
			if err := WriteJSON(target, makeCrashVersion(seed, k), 0o644); err != nil {
				return err
			}
		}
	}
}

// TestCrash SIGKILLs a child that rewrites a JSON file in a loop, at random moments, and checks
// after every kill that the file holds exactly one complete version the child wrote, then that
// CleanTemps removes the temp files the killed writes left. 200 kills by default (50 with
// -short); ATOMICFS_TORTURE_KILLS=10000 asks for more.
func TestCrash(t *testing.T) {
	kills := 200
	if testing.Short() {
		kills = 50
	}
	if s := os.Getenv("ATOMICFS_TORTURE_KILLS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("ATOMICFS_TORTURE_KILLS=%q: want a positive number", s)
		}
		kills = n
	}
	dir := t.TempDir()
	target := filepath.Join(dir, "state.json")
	if err := WriteJSON(target, makeCrashVersion(0, 0), 0o644); err != nil {
		t.Fatal(err)
	}
	seeds := map[uint64]bool{0: true}
	interrupted := 0
	for i := 1; i <= kills; i++ {
		seed := uint64(i)
		seeds[seed] = true
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), childEnv+"=crash", "ATOMICFS_TEST_TARGET="+target, "ATOMICFS_TEST_SEED="+strconv.FormatUint(seed, 10))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if line, err := bufio.NewReader(out).ReadString('\n'); line != "ready\n" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("child did not start: %q %v\n%s", line, err, stderr.String())
		}
		time.Sleep(time.Duration(rand.Int64N(int64(25 * time.Millisecond))))
		cmd.Process.Signal(syscall.SIGKILL)
		err = cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Fatalf("kill %d: the child ended on its own (%v):\n%s", i, err, stderr.String())
		}

		data, err := os.ReadFile(target)
		if err != nil {
			t.Fatalf("kill %d: %v", i, err)
		}
		var got crashVersion
		if err := json.Unmarshal(data, &got); err != nil {
			t.Fatalf("kill %d: the file (%d bytes) is not complete JSON: %v", i, len(data), err)
		}
		want, err := marshalJSON(makeCrashVersion(got.Seed, got.K), &options{})
		if err != nil {
			t.Fatal(err)
		}
		if !seeds[got.Seed] || !bytes.Equal(data, want) {
			t.Fatalf("kill %d: the file (seed %d, k %d, %d bytes) is not a version the child wrote", i, got.Seed, got.K, len(data))
		}

		temps := tempsIn(t, dir)
		if len(temps) > 0 {
			interrupted++
		}
		removed, err := CleanTemps(dir, 0)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(removed, "\n") != strings.Join(temps, "\n") {
			t.Fatalf("kill %d: CleanTemps removed %q, want the leftovers %q", i, removed, temps)
		}
		wantNoTemps(t, dir)
	}
	t.Logf("%d kills, %d interrupted a write (left a temp file)", kills, interrupted)
	if kills >= 100 && interrupted == 0 {
		t.Errorf("none of %d kills interrupted a write: the test does not test anything", kills)
	}
}

// tempsIn lists the temp files in dir, as paths, in directory order.
func tempsIn(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var temps []string
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			temps = append(temps, filepath.Join(dir, e.Name()))
		}
	}
	return temps
}
