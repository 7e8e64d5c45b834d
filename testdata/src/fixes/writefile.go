// Package fixes holds the suggested fixes, checked against .golden files.
package fixes

import (
	"fmt"
	"io/ioutil"
	"os"
)

func writeFiles(b []byte) error {
	if err := os.WriteFile("a.json", b, 0o644); err != nil { // want `os\.WriteFile writes "a\.json" non-atomically`
		return err
	}
	fmt.Println(os.Getenv("HOME"))
	return ioutil.WriteFile("b.json", b, 0o644) // want `ioutil\.WriteFile writes "b\.json" non-atomically`
}
