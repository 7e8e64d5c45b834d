package realcode

import (
	"log"
	"os"

	jsoniter "github.com/json-iterator/go"
)

// From alist-org/alist (pkg/utils/json.go), paraphrased: a package variable
// holds jsoniter's standard-library configuration, and a helper marshals
// through its API and writes the file in place. The body proves JSON, so it
// is reported there (a true positive: a config file truncated in place),
// and its callers are not.
var jsonAPI = jsoniter.ConfigCompatibleWithStandardLibrary

func writeJSONToFile(dst string, v any) bool {
	b, err := jsonAPI.MarshalIndent(v, "", "  ")
	if err != nil {
		log.Printf("marshal: %v", err)
		return false
	}
	if err := os.WriteFile(dst, b, 0o777); err != nil { // want `os\.WriteFile writes dst non-atomically: data from jsoniter\.API\.MarshalIndent`
		log.Printf("write: %v", err)
		return false
	}
	return true
}

func saveConf(conf any) { writeJSONToFile("data/config.json", conf) }
