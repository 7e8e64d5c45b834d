package encoders

import (
	"encoding/json"
	"os"
)

// json.RawMessage holds JSON by definition.
func rawMessage(p string, m json.RawMessage) {
	os.WriteFile(p, m, 0o644) // want `os\.WriteFile writes p non-atomically: data of type json\.RawMessage`
	os.WriteFile(p+".log", m, 0o644)
}
