//go:build !linux

package atomicfs

import (
	"errors"
	"path/filepath"
	"testing"
)

// TestDeviceVerifyUnsupported: where the read-back cannot be shown to come from the storage,
// WithDeviceVerify is refused before anything is written, with an error matching
// errors.ErrUnsupported. (This file builds on the platforms other than Linux; the repository's
// CI runs Linux only.)
func TestDeviceVerifyUnsupported(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "state.json")
	err := WriteFile(target, []byte("new"), 0o644, WithDeviceVerify())
	wantStepError(t, err, "options for", target)
	if !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("error %q does not match errors.ErrUnsupported", err)
	}
	wantNoTemps(t, dir)
}

// diskDir returns a directory for files whose reads should reach the storage: the temp directory
// (WithDeviceVerify is refused on this platform anyway).
func diskDir(t testing.TB) string { return t.TempDir() }
