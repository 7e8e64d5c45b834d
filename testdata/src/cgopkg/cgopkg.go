// Package cgopkg uses cgo: positions come back through //line directives.
package cgopkg

// #include <stdlib.h>
// static int answer(void) { return 42; }
import "C"

import (
	"encoding/json"
	"os"
)

func write() {
	b, _ := json.Marshal(int(C.answer()))
	os.WriteFile("cgo.json", b, 0o644) // want `os\.WriteFile writes "cgo\.json" non-atomically`
	os.WriteFile("cgo.txt", nil, 0o644)
}
