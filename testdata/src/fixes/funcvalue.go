package fixes

import "os"

func funcValue(b []byte) error {
	w := os.WriteFile
	return w("fv.json", b, 0o644) // want `os\.WriteFile writes "fv\.json" non-atomically`
}
