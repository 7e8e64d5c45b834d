package fixes

import "os"

func clash(b []byte) error {
	atomicfs := "the name is taken here"
	_ = atomicfs
	return os.WriteFile("clash.json", b, 0o644) // want `os\.WriteFile writes "clash\.json" non-atomically`
}
