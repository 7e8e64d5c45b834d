package realcode

import (
	"encoding/json"
	"os"
)

// From dzibukalexander/file-processing (internal/fileio/writer/json.go),
// paraphrased: a JSON writer checks that its bytes parse before writing them
// in place. The bytes are JSON by that check, so the write is reported in
// the method's body (a true positive), not at its callers.
type jsonWriter struct{}

func (w *jsonWriter) Write(filePath string, data []byte) error {
	var probe any
	if err := json.Unmarshal(data, &probe); err != nil {
		return err
	}
	return os.WriteFile(filePath, data, 0o644) // want `os\.WriteFile writes filePath non-atomically: data parsed by json\.Unmarshal`
}

func exportReport(w *jsonWriter, b []byte) error { return w.Write("out/report", b) }
