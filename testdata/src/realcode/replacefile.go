package realcode

import (
	"fmt"
	"io"
	"io/ioutil"
	"os"
	"path/filepath"
)

// From natefinch/atomic (atomic.go), paraphrased: a temp file in the
// target's directory, io.Copy, Sync, Close, then a ReplaceFile helper that
// renames. Correct, so quiet — the helper's rename carries a fact and the
// temp file is not mistaken for a write of the target.
func atomicWriteFile(filename string, r io.Reader) (err error) {
	dir, file := filepath.Split(filename)
	if dir == "" {
		dir = "."
	}
	f, err := ioutil.TempFile(dir, file)
	if err != nil {
		return fmt.Errorf("cannot create temp file: %v", err)
	}
	defer func() {
		if err != nil {
			_ = os.Remove(f.Name())
		}
	}()
	defer f.Close()
	name := f.Name()
	if _, err := io.Copy(f, r); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return replaceFile(name, filename)
}

func replaceFile(source, destination string) error { // want replaceFile:`renames\(0, 1\)`
	return os.Rename(source, destination)
}

func saveState(r io.Reader) error { return atomicWriteFile("state.json", r) }
