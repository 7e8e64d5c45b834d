// Package broken does not type-check; the pass still runs and never panics.
package broken

import (
	"encoding/json"
	"os"
)

func write(v any) {
	os.WriteFile("ok.json", nil, 0o644) // want `os\.WriteFile writes "ok\.json" non-atomically`
	b, _ := json.Marshal(undefinedValue)
	os.WriteFile(undefinedPath, b, 0o644) // want `os\.WriteFile writes undefinedPath non-atomically: data from json\.Marshal`
	os.WriteFile(missing(), nil, 0o644)
	os.WriteFile("x.json") // wrong arity: not checked
	os.WriteFile()
	os.OpenFile("y.json", undefinedFlags, 0o644)
	undefinedFunc("z.json", nil)
	var w func(string, []byte, os.FileMode) error
	w("z.json", nil, 0)
}
