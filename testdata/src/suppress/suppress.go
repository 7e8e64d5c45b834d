// Package suppress covers //atomicjson:ignore.
package suppress

import "os"

func suppressed(b []byte) {
	os.WriteFile("a.json", b, 0o644) //atomicjson:ignore scratch file, rebuilt on start

	//atomicjson:ignore the cache is disposable
	os.WriteFile("b.json", b, 0o644)

	//atomicjson:ignore too far away

	os.WriteFile("c.json", b, 0o644) // want `os\.WriteFile writes "c\.json" non-atomically`

	os.WriteFile("d.json", b, 0o644) //atomicjson:ignore // want `//atomicjson:ignore needs a reason` `os\.WriteFile writes "d\.json"`

	//atomicjson:ignoreother is not the directive // want `malformed directive "//atomicjson:ignoreother": the only directive is //atomicjson:ignore <reason>`
	os.WriteFile("e.json", b, 0o644) // want `os\.WriteFile writes "e\.json"`
}

// cacheWrite vouches for its write: it is not a wrapper, so callers are quiet.
func cacheWrite(p string, b []byte) {
	//atomicjson:ignore the cache is rebuilt when it does not parse
	os.WriteFile(p, b, 0o644)
}

func useCache() {
	cacheWrite("cache.json", nil)
}
