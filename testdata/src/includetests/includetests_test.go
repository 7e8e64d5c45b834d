package includetests

import (
	"os"
	"testing"
)

func TestFixture(t *testing.T) {
	os.WriteFile("testdata/golden.json", []byte("{}"), 0o644)      // want `os\.WriteFile writes "testdata/golden\.json" non-atomically: path ends in \.json`
	os.WriteFile(t.TempDir()+"/fixture.json", []byte("{}"), 0o644) // a fresh temp dir: private
	os.WriteFile("testdata/golden.txt", []byte("{}"), 0o644)
}
