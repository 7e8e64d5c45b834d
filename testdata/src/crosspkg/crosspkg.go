// Package crosspkg uses constants, path functions and wrappers from another
// package.
package crosspkg

import (
	"encoding/json"
	"os"
	"path/filepath"

	"example.com/conf"
	cfg "example.com/conf"
	"example.com/names"
)

// constants has no data fact: its one unreported write names a .log file.
func constants(data []byte) {
	os.WriteFile(conf.File, data, 0o644)                        // want `os\.WriteFile writes "app\.json" non-atomically: path ends in \.json`
	os.WriteFile(conf.Dir+"/"+conf.File, data, 0o644)           // want `os\.WriteFile writes "/var/lib/app/app\.json" non-atomically`
	os.WriteFile(filepath.Join(cfg.Dir, cfg.File), data, 0o644) // want `os\.WriteFile writes .* non-atomically`
	os.WriteFile(conf.Log, data, 0o644)                         // not JSON
}

func pathFunctions(data []byte) { // want pathFunctions:`writes\(os\.WriteFile, path=-1, data=0\)`
	os.WriteFile(conf.Path("/etc"), data, 0o644)    // want `os\.WriteFile writes conf\.Path\("/etc"\) non-atomically: path ends in \.json`
	os.WriteFile(conf.LogPath("/etc"), data, 0o644) // not JSON
	p := cfg.Path("/srv")
	os.WriteFile(p, data, 0o644) // want `os\.WriteFile writes p non-atomically`
}

func wrappers(v any, s *conf.Store) {
	conf.Save("settings.json", nil) // want `Save writes "settings\.json" non-atomically: path ends in \.json`
	conf.Save("notes.txt", nil)     // not JSON
	b, _ := json.Marshal(v)
	conf.Save("blob", b)                        // want `Save writes "blob" non-atomically: data from json\.Marshal`
	conf.SaveIn(conf.Dir, "state.json", nil)    // want `SaveIn writes "state\.json" non-atomically: path ends in \.json`
	conf.SaveIn("state.json", "state.txt", nil) // the name decides, not the directory
	s.Put("item.json", nil)                     // want `Store\.Put writes "item\.json" non-atomically: path ends in \.json`
	s.Put("item.txt", nil)                      // not JSON
	conf.Open(conf.File)                        // want `Open writes "app\.json" non-atomically: path ends in \.json`
	conf.Backup("x.json", nil)                  // .json.bak is not JSON
	conf.Backup("x", b)                         // want `Backup writes its data argument b non-atomically: data from json\.Marshal`
	save := conf.Save
	save("v.json", nil) // want `Save writes "v\.json" non-atomically: path ends in \.json`
}

// forward passes its own parameter on: it becomes a wrapper in turn.
func forward(name string) { // want forward:`writes\(os\.WriteFile, path=0, data=-1\)`
	conf.Save(name, nil)
}

func useForward() {
	forward("f.json") // want `forward writes "f\.json" non-atomically: path ends in \.json`
	forward("f.txt")
}

func noWritesPackage(dir string) {
	os.WriteFile(names.StatePath(dir), nil, 0o644)            // want `os\.WriteFile writes names\.StatePath\(dir\) non-atomically: path ends in \.json`
	os.WriteFile(filepath.Join(dir, names.State), nil, 0o644) // want `os\.WriteFile writes .* non-atomically`
	os.WriteFile(names.Describe(), nil, 0o644)                // not a path fact
}

func encoded(v any) {
	b, _ := conf.Encode(v)
	os.WriteFile("blob", b, 0o644) // want `os\.WriteFile writes "blob" non-atomically: data from json\.Marshal \(via conf\.Encode\)`
	conf.Save("blob", b)           // want `conf\.Save writes "blob" non-atomically: data from json\.Marshal \(via conf\.Encode\)`
}

func openedFile(name string, v any) error {
	f, err := conf.Open(name) // want `Open writes name non-atomically: file fed to json\.NewEncoder`
	if err != nil {
		return err
	}
	defer f.Close()
	return json.NewEncoder(f).Encode(v)
}
