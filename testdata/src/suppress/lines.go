package suppress

import "os"

// A directive at the end of a line covers that line only.
func trailing(b []byte) {
	os.WriteFile("/tmp/cache.json", b, 0o644) //atomicjson:ignore rebuilt on start
	os.WriteFile("/tmp/state.json", b, 0o644) // want `os\.WriteFile writes "/tmp/state\.json"`
}

// A directive alone on its line covers the line below its comment group.
func above(b []byte) {
	//atomicjson:ignore the cache is disposable
	// and rebuilt on start.
	os.WriteFile("a.json", b, 0o644)
	os.WriteFile("b.json", b, 0o644) // want `os\.WriteFile writes "b\.json"`
}

// A trailing directive after an opening brace covers the if statement's
// line, not the block below it.
func afterBrace(ok bool, b []byte) {
	if ok { //atomicjson:ignore not the write below
		os.WriteFile("c.json", b, 0o644) // want `os\.WriteFile writes "c\.json"`
	}
}

// atomicjson: prose that starts like a directive, as a package doc's
// "// atomicjson: summary" line does, is no directive.

// Malformed directives silence nothing and are reported.
func malformed(b []byte) {
	os.WriteFile("d.json", b, 0o644) //atomicjson:ignore: legacy // want `malformed directive "//atomicjson:ignore:": the only directive is //atomicjson:ignore <reason>` `os\.WriteFile writes "d\.json"`
	// atomicjson:ignore with a space // want `malformed directive "atomicjson:ignore": write //atomicjson:ignore <reason>, with no space after //`
	os.WriteFile("e.json", b, 0o644) // want `os\.WriteFile writes "e\.json"`
	//atomicjson:ignored legacy // want `malformed directive "//atomicjson:ignored"`
	os.WriteFile("f.json", b, 0o644) // want `os\.WriteFile writes "f\.json"`
}

// trailingWrapper's directive vouches for its own line only: the write on
// the next line still makes it a wrapper, so its caller is reported.
func trailingWrapper(p string, b []byte) { // want trailingWrapper:`writes\(os.WriteFile, path=0, data=1\)`
	os.WriteFile("/tmp/cache.json", b, 0o644) //atomicjson:ignore rebuilt on start
	os.WriteFile(p, b, 0o644)
}

func useTrailingWrapper() {
	trailingWrapper("settings.json", nil) // want `trailingWrapper writes "settings\.json" non-atomically: path ends in \.json`
}

func useGeneratedWrapper() {
	generatedWrapper("generated.json", nil)
}
