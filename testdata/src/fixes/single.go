package fixes

import "os"

func single(b []byte) error {
	return os.WriteFile("single.json", b, 0o644) // want `os\.WriteFile writes "single\.json" non-atomically`
}
