package main

import (
	"testing"

	"github.com/atomicjson/atomicjson/internal/e2e"
)

// TestOwnTreeIsClean runs the linter over this whole module, tests
// included, the way CI and users would: our own code must not contain the
// bug the linter exists to catch (publisher and cmd/publish write JSON only
// through atomicfs).
func TestOwnTreeIsClean(t *testing.T) {
	t.Parallel()
	e2e.TrackInputs(t, root)
	// -mod=readonly: the run must never touch our go.mod or go.sum.
	res := e2e.Run(t, root, e2e.Env("GOFLAGS=-mod=readonly"), tool, "./...")
	if res.ExitCode != 0 || res.Stdout != "" || res.Stderr != "" {
		t.Fatalf("atomicjson ./... on this module: want exit code 0 and no output, got %s", res)
	}
}
