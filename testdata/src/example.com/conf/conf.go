// Package conf exports constants, path functions and wrappers that other
// packages use: facts carry what the calls mean across the package boundary.
package conf

import (
	"encoding/json"
	"os"
	"path/filepath"
)

// File is the name of the configuration file.
const File = "app.json"

// Dir is where state lives.
const Dir = "/var/lib/app"

// Log is not JSON.
const Log = "app.log"

// Path returns the path of the configuration file.
func Path(root string) string { // want Path:`jsonPath\("app\.json"\)`
	return filepath.Join(root, File)
}

// LogPath is not JSON.
func LogPath(root string) string { return filepath.Join(root, Log) }

// Save writes data to path: the caller decides whether that is JSON.
func Save(path string, data []byte) error { // want Save:`writes\(os\.WriteFile, path=0, data=1\)`
	return os.WriteFile(path, data, 0o644)
}

// SaveIn writes name in dir.
func SaveIn(dir, name string, data []byte) error { // want SaveIn:`writes\(os\.WriteFile, path=1, data=2\)`
	return save(filepath.Join(dir, name), data)
}

// save is an unexported wrapper; SaveIn reaches the sink through it.
func save(p string, b []byte) error { // want save:`writes\(os\.WriteFile, path=0, data=1\)`
	return os.WriteFile(p, b, 0o600)
}

// Store keeps files in a directory.
type Store struct{ Dir string }

// Put is a method wrapper.
func (s *Store) Put(name string, data []byte) error { // want Put:`writes\(os\.WriteFile, path=0, data=1\)`
	return os.WriteFile(filepath.Join(s.Dir, name), data, 0o644)
}

// Open is a wrapper of os.Create.
func Open(name string) (*os.File, error) { // want Open:`writes\(os\.Create, path=0, data=-1\)`
	return os.Create(name)
}

// Backup writes a .bak file: the argument does not decide the extension.
func Backup(path string, data []byte) error { // want Backup:`writes\(os\.WriteFile, path=-1, data=1\)`
	return os.WriteFile(path+".bak", data, 0o644)
}

// Encode marshals v: callers in other packages know the bytes are JSON.
func Encode(v any) ([]byte, error) { // want Encode:`jsonData\(json\.Marshal\)`
	return json.Marshal(v)
}
