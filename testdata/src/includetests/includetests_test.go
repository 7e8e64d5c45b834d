package includetests

import (
	"os"
	"testing"
)

func TestFixture(t *testing.T) {
	os.WriteFile(t.TempDir()+"/fixture.json", []byte("{}"), 0o644) // want `os\.WriteFile writes .* non-atomically: path ends in \.json`
	os.WriteFile(t.TempDir()+"/fixture.txt", []byte("{}"), 0o644)
}
