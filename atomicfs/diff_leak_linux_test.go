package atomicfs

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
	"syscall"
	"testing"
	"time"
)

// A third user polls the directory while a slow Create/Write/Commit replaces a file that user may
// not read: it must never open the temp file, so it never reads a byte of the new content. A
// temp file created with the target's mode but the writer's group, or given its owner and mode
// only after the data, fails this.

// leakChunk is what the slow writer writes every leakPause, until told to commit. The test lets
// it write for leakWindow after the poller first saw the temp file, so that the poller tries the
// temp file many times while it holds data, however loaded the machine.
const (
	leakChunk  = "new secret data\n"
	leakPause  = 3 * time.Millisecond
	leakWindow = 300 * time.Millisecond
)

// peekReport is what the polling child saw.
type peekReport struct {
	TargetOpened bool  `json:"target_opened"` // it could open the target itself (a broken setup)
	TempsSeen    int   `json:"temps_seen"`    // directory listings that showed a temp file
	TempsOpened  int   `json:"temps_opened"`  // temp files it could open
	Bytes        int64 `json:"bytes"`         // bytes it read from them, at once and at the end
}

func init() {
	children["slowcreate"] = func() error {
		f, err := Create(os.Getenv("ATOMICFS_LEAK_TARGET"), 0o600)
		if err != nil {
			return err
		}
		defer f.Close()
		commit := make(chan struct{})
		go func() {
			io.Copy(io.Discard, os.Stdin) // the parent closes stdin: commit
			close(commit)
		}()
		chunks := 0
		for writing := true; writing; {
			if _, err := f.WriteString(leakChunk); err != nil {
				return err
			}
			// A File buffers small writes: the ones that matter here must reach the temp file.
			if err := f.flush(); err != nil {
				return err
			}
			chunks++
			select {
			case <-commit:
				writing = false
			case <-time.After(leakPause):
			}
		}
		if err := f.Commit(); err != nil {
			return err
		}
		_, err = fmt.Println(chunks)
		return err
	}
	children["peek"] = func() error {
		target := os.Getenv("ATOMICFS_LEAK_TARGET")
		dir := filepath.Dir(target)
		var rep peekReport
		if f, err := os.Open(target); err == nil {
			rep.TargetOpened = true
			f.Close()
		}
		stop := make(chan struct{})
		go func() {
			bufio.NewReader(os.Stdin).ReadByte() // the parent closes stdin when the write is done
			close(stop)
		}()
		os.Stdout.WriteString("ready\n")
		kept := map[string]*os.File{}
		buf := make([]byte, 4096)
		for polling := true; polling; {
			select {
			case <-stop:
				polling = false
			default:
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				return err
			}
			for _, e := range entries {
				if !IsTemp(e.Name()) {
					continue
				}
				if rep.TempsSeen == 0 {
					os.Stdout.WriteString("seen\n") // the parent now lets the write go on for leakWindow
				}
				rep.TempsSeen++
				if kept[e.Name()] != nil {
					continue
				}
				f, err := os.Open(filepath.Join(dir, e.Name()))
				if err != nil {
					continue
				}
				rep.TempsOpened++
				n, _ := f.Read(buf)
				rep.Bytes += int64(n)
				kept[e.Name()] = f
			}
		}
		// A descriptor opened early reads what was written after it was opened.
		for _, f := range kept {
			n, _ := f.ReadAt(buf, 0)
			rep.Bytes += int64(n)
			f.Close()
		}
		return json.NewEncoder(os.Stdout).Encode(rep)
	}
}

// TestDiffTempNeverReadable runs a slow replacement of a file the third user may not read, and a
// control where the target is world-readable (there the poller must get in, or it proves nothing).
func TestDiffTempNeverReadable(t *testing.T) {
	requireRoot(t)
	bin := diffBinary(t)
	carolInGroup := func(gids ...uint32) diffCred {
		return diffCred{uid: carolUID, gid: carolGID, groups: gids}
	}
	cases := []struct {
		name     string
		dirOwner owner
		dirPerm  fs.FileMode
		target   owner
		perm     fs.FileMode
		writer   diffCred
		// The reader is in the writer's primary group: a temp file created with the writer's
		// group and the target's group bits is readable by it.
		reader   diffCred
		readable bool // the control: the target is readable by the reader, so the temp may be
	}{
		{"root replaces alice's 0640 file", byRoot, 0o755, byAlice, 0o640, diffCred{}, carolInGroup(0), false},
		{"root replaces alice's 0600 file", byRoot, 0o755, byAlice, 0o600, diffCred{}, carolInGroup(0), false},
		{"bob replaces alice:proj 0660", owner{0, projGID}, 0o775, owner{aliceUID, projGID}, 0o660, asBob, carolInGroup(bobGID), false},
		{"control: a world-readable target", byRoot, 0o755, byAlice, 0o644, diffCred{}, carolInGroup(), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := &diffTree{t: t, root: sharedTempDir(t)}
			b.dir("d", c.dirPerm, c.dirOwner)
			b.file("d/t.json", "old secret\n", c.perm, c.target)
			target := b.path("d/t.json")
			env := append(os.Environ(), "ATOMICFS_LEAK_TARGET="+target)

			peek := exec.Command(bin)
			peek.Env = append(env, childEnv+"=peek")
			peek.SysProcAttr = c.reader.sysProcAttr()
			peek.Stderr = os.Stderr
			stdin, err := peek.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			stdout, err := peek.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := peek.Start(); err != nil {
				t.Fatal(err)
			}
			out := bufio.NewReader(stdout)
			if line, err := out.ReadString('\n'); err != nil || line != "ready\n" {
				t.Fatalf("poller: %q, %v", line, err)
			}

			write := exec.Command(bin)
			write.Env = append(env, childEnv+"=slowcreate")
			write.SysProcAttr = c.writer.sysProcAttr()
			write.Stderr = os.Stderr
			commit, err := write.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			var chunks bytes.Buffer
			write.Stdout = &chunks
			if err := write.Start(); err != nil {
				t.Fatal(err)
			}
			seen := make(chan error, 1)
			go func() {
				line, err := out.ReadString('\n')
				if err == nil && line != "seen\n" {
					err = fmt.Errorf("poller said %q", line)
				}
				seen <- err
			}()
			select {
			case err := <-seen:
				if err != nil {
					t.Errorf("poller: %v", err)
				}
			case <-time.After(diffChildTimeout):
				t.Error("the poller never saw the temp file, so it proves nothing")
			}
			time.Sleep(leakWindow)
			commit.Close()
			writeErr := write.Wait()
			stdin.Close()
			var rep peekReport
			if err := json.NewDecoder(out).Decode(&rep); err != nil {
				t.Fatalf("poller's report: %v", err)
			}
			if err := peek.Wait(); err != nil {
				t.Fatalf("poller: %v", err)
			}
			if writeErr != nil {
				t.Fatalf("slow write as %s: %v", c.writer.owner(), writeErr)
			}
			t.Logf("poller as %s: %+v; the writer wrote %s chunks", c.reader.owner(), rep, strings.TrimSpace(chunks.String()))

			if rep.TargetOpened != c.readable {
				t.Fatalf("the poller could open the target: %v, want %v (the case is set up wrong)", rep.TargetOpened, c.readable)
			}
			switch {
			case c.readable && rep.TempsOpened == 0:
				t.Error("control: the poller never opened the temp file of a world-readable target, so it cannot catch a leak")
			case !c.readable && (rep.TempsOpened > 0 || rep.Bytes > 0):
				t.Errorf("user %d opened the temp file %d times and read %d bytes of a file it may not read", carolUID, rep.TempsOpened, rep.Bytes)
			}
			st, err := os.Stat(target)
			if err != nil {
				t.Fatal(err)
			}
			sys := st.Sys().(*syscall.Stat_t)
			if got, want := fmt.Sprintf("%v %d", st.Mode().Perm(), sys.Gid), fmt.Sprintf("%v %d", c.perm, c.target.gid); got != want {
				t.Errorf("target ends with mode and group %s, want %s", got, want)
			}
			n, err := strconv.Atoi(strings.TrimSpace(chunks.String()))
			if err != nil {
				t.Fatalf("the writer's chunk count %q: %v", chunks.String(), err)
			}
			wantContent(t, target, bytes.Repeat([]byte(leakChunk), n))
		})
	}
}
