// Package includetests is checked with -include-tests.
package includetests

import "os"

func write() { os.WriteFile("lib.json", nil, 0o644) } // want `os\.WriteFile writes "lib\.json"`
