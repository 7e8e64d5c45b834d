package fixes

import (
	"os"

	afs "github.com/atomicjson/atomicjson/atomicfs"
)

func existing(b []byte) error {
	if err := afs.WriteFile("ok.json", b, 0o644); err != nil {
		return err
	}
	os.WriteFile("twice.json", b, 0o644)        // want `os\.WriteFile writes "twice\.json" non-atomically`
	return os.WriteFile("again.json", b, 0o600) // want `os\.WriteFile writes "again\.json" non-atomically`
}
