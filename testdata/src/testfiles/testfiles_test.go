package testfiles

import (
	"os"
	"testing"
)

func TestFixture(t *testing.T) {
	os.WriteFile(t.TempDir()+"/fixture.json", []byte("{}"), 0o644) // not reported without -include-tests
	//atomicjson:ignore
}
