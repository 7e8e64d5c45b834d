// Package crosschain calls wrapper chains of another package.
package crosschain

import "example.com/chainlib"

func use(v any, b []byte) {
	chainlib.Store("state.json", b) // want `chainlib\.Store writes "state\.json" non-atomically: path ends in \.json`
	chainlib.Store("state.txt", b)
	chainlib.SaveJSON("state.json", v) // reported in SaveJSON's body, not here
	chainlib.SaveJSON("other", v)
}
