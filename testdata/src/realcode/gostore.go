package realcode

import (
	"fmt"
	"math/rand"
	"os"
)

// From gabeno/prototypes (go-store/main.go), paraphrased: it means to write
// a temp file and rename it, but opens the target itself with O_TRUNC, so
// the rename of a temp never created does nothing and the target is
// truncated in place. A wrapper of os.OpenFile for its path and data: a
// caller passing a JSON path is reported (a true positive).
func saveData(path string, data []byte) error { // want saveData:`writes\(os\.OpenFile, path=0, data=1\)`
	tmp := fmt.Sprintf("%s.tmp.%d", path, rand.Int())
	fp, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o664)
	if err != nil {
		return err
	}
	defer func() {
		fp.Close()
		if err != nil {
			os.Remove(tmp)
		}
	}()
	if _, err = fp.Write(data); err != nil {
		return err
	}
	if err = fp.Sync(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func saveDB(b []byte) error { return saveData("db.json", b) } // want `saveData writes "db\.json" non-atomically: path ends in \.json`
