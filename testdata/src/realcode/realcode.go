// Package realcode holds shapes met in real code that must stay quiet, and
// the true positives next to them. Each case names the repository it was
// read in and why it is labelled as it is: GOROOT and golang.org/x/tools
// (this file), alist-org/alist (jsoniter_config.go),
// dzibukalexander/file-processing (validated_writer.go), natefinch/atomic
// (replacefile.go), gabeno/prototypes (gostore.go), Eanhain/gometrics
// (pemkeys.go). The code is paraphrased, reduced to the shape that matters.
package realcode

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// exclusiveWrite creates a new file only (golang.org/x/telemetry): nothing
// existing is truncated, and a rename could not keep the O_EXCL guarantee.
func exclusiveWrite(filename string, content []byte) error {
	f, err := os.OpenFile(filename, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.Write(content)
	return err
}

func callExclusive() {
	exclusiveWrite("report.json", nil) // not a wrapper: O_EXCL
}

// overlay writes into a directory it has just created (x/tools gocommand).
func overlay(files map[string][]byte) (string, error) { // want overlay:`jsonPath\("overlay\.json"\)`
	dir, err := os.MkdirTemp("", "gocommand-*")
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(files)
	if err != nil {
		return "", err
	}
	filename := filepath.Join(dir, "overlay.json")
	if err := os.WriteFile(filename, b, 0o666); err != nil {
		return "", err
	}
	return filename, nil
}

func fixture(t *testing.T, v any) {
	b, _ := json.Marshal(v)
	os.WriteFile(filepath.Join(t.TempDir(), "cfg.json"), b, 0o644)
	os.WriteFile("/dev/stdout", b, 0o644)
}

// settings writes a user's settings file in place (google/pprof): reported.
func settings(fname string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(fname), 0o700); err != nil {
		return err
	}
	return os.WriteFile(fname, data, 0o644) // want `os\.WriteFile writes fname non-atomically: data from json\.MarshalIndent`
}

// shared writes into a directory it did not create: reported.
func shared(dir string, b []byte) error {
	return os.WriteFile(filepath.Join(dir, "overlay.json"), b, 0o666) // want `os\.WriteFile writes .* non-atomically: path ends in \.json`
}
