//go:build unix && !linux

package atomicfs

import (
	"os"

	"golang.org/x/sys/unix"
)

// openSearchOnly has no equivalent here (no O_PATH): a directory the process may not read is
// refused with EACCES, one of the differences from os.WriteFile the README lists.
func openSearchOnly(atfd int, path string) (int, error) { return -1, unix.EACCES }

// syncUnreadableDir is never reached: without openSearchOnly no directory is open search-only.
func syncUnreadableDir(f *os.File) error { return unix.EACCES }
