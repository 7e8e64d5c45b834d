//go:build unix && !linux

package atomicfs

import "os"

// copyFlags does nothing here: the file flags of the BSDs and macOS (chflags) are not carried
// over, one of the differences from os.WriteFile the README lists.
func copyFlags(src, dst *os.File) error { return nil }
