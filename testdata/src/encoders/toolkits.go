package encoders

import (
	"os"

	"github.com/tidwall/gjson"
	"github.com/tidwall/sjson"
	"sigs.k8s.io/yaml"
)

// JSON edited in place with sjson, converted from YAML, or checked by gjson.
func toolkits(doc []byte, y []byte, s string) {
	out, _ := sjson.SetBytes(doc, "version", 2)
	os.WriteFile("settings", out, 0o644) // want `os\.WriteFile writes "settings" non-atomically: data from sjson\.SetBytes`
	j, _ := yaml.YAMLToJSON(y)
	os.WriteFile("manifest", j, 0o644) // want `data from sigs\.k8s\.io/yaml\.YAMLToJSON`
	back, _ := yaml.JSONToYAML(doc)
	os.WriteFile("manifest.y", back, 0o644) // YAML: not JSON
	if gjson.Valid(s) {
		os.WriteFile("cache", []byte(s), 0o644) // want `data parsed by gjson\.Valid`
	}
}
