package atomicfs_test

import (
	"encoding/json"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sync"

	"github.com/atomicjson/atomicjson/atomicfs"
)

// exampleDir returns a fresh directory for an example and the function that removes it.
func exampleDir() (string, func()) {
	dir, err := os.MkdirTemp("", "atomicfs-example-")
	if err != nil {
		log.Fatal(err)
	}
	return dir, func() { os.RemoveAll(dir) }
}

func ExampleWriteFile() {
	dir, cleanup := exampleDir()
	defer cleanup()
	path := filepath.Join(dir, "config.json")

	// Same arguments as os.WriteFile; readers, crashes and power cuts see the old file or the
	// new one, never a truncated one.
	if err := atomicfs.WriteFile(path, []byte(`{"debug":true}`), 0o644); err != nil {
		log.Fatal(err)
	}

	data, _ := os.ReadFile(path)
	fmt.Println(string(data))
	// Output: {"debug":true}
}

func ExampleWriteJSON() {
	dir, cleanup := exampleDir()
	defer cleanup()
	path := filepath.Join(dir, "state", "settings.json")
	settings := map[string]any{"theme": "dark", "fontSize": 14}

	err := atomicfs.WriteJSON(path, settings, 0o644,
		atomicfs.WithIndent("", "  "), // like json.MarshalIndent
		atomicfs.WithMkdirAll(0o755))  // create state/ durably
	if err != nil {
		log.Fatal(err)
	}

	data, _ := os.ReadFile(path)
	fmt.Print(string(data))
	// Output:
	// {
	//   "fontSize": 14,
	//   "theme": "dark"
	// }
}

// Create streams a large document into a pending file, one element at a time: nothing is held
// in memory but the element being encoded, and nothing is visible until Commit.
func ExampleCreate() {
	dir, cleanup := exampleDir()
	defer cleanup()
	path := filepath.Join(dir, "events.jsonl")

	write := func() error {
		f, err := atomicfs.Create(path, 0o644)
		if err != nil {
			return err
		}
		defer f.Close() // discards the temp file unless Commit succeeded

		enc := json.NewEncoder(f)
		for i := range 3 {
			if err := enc.Encode(map[string]int{"event": i}); err != nil {
				return err
			}
		}
		return f.Commit() // fsync, verify, rename, fsync the directory
	}
	if err := write(); err != nil {
		log.Fatal(err)
	}

	data, _ := os.ReadFile(path)
	fmt.Print(string(data))
	// Output:
	// {"event":0}
	// {"event":1}
	// {"event":2}
}

func ExampleUpdateJSON() {
	dir, cleanup := exampleDir()
	defer cleanup()
	path := filepath.Join(dir, "counter.json")
	type Counter struct {
		Hits int `json:"hits"`
	}

	// Concurrent read-modify-write cycles, here from goroutines but just as well from separate
	// processes, serialize on the lock of counter.json: no increment is lost.
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			err := atomicfs.UpdateJSON(path, 0o644, func(c *Counter) error {
				c.Hits++ // c is the zero Counter while the file does not exist
				return nil
			})
			if err != nil {
				log.Fatal(err)
			}
		})
	}
	wg.Wait()

	data, _ := os.ReadFile(path)
	fmt.Print(string(data))
	// Output: {"hits":10}
}

func ExampleUpdate() {
	dir, cleanup := exampleDir()
	defer cleanup()
	path := filepath.Join(dir, "journal.log")

	for _, entry := range []string{"started", "stopped"} {
		// Read, change and write back under the file's lock: concurrent appenders, in this
		// process or others, never overwrite each other's lines.
		err := atomicfs.Update(path, 0o644, func(old []byte) ([]byte, error) {
			return append(old, entry+"\n"...), nil // old is nil while the file does not exist
		})
		if err != nil {
			log.Fatal(err)
		}
	}

	data, _ := os.ReadFile(path)
	fmt.Print(string(data))
	// Output:
	// started
	// stopped
}

func ExampleUpdateJSON_skipWrite() {
	dir, cleanup := exampleDir()
	defer cleanup()
	path := filepath.Join(dir, "settings.json")
	type Settings struct {
		Theme string `json:"theme"`
	}

	for _, theme := range []string{"dark", "dark"} {
		err := atomicfs.UpdateJSON(path, 0o644, func(s *Settings) error {
			if s.Theme == theme {
				return atomicfs.SkipWrite // already so: leave the file untouched
			}
			s.Theme = theme
			fmt.Println("writing", theme)
			return nil
		})
		if err != nil {
			log.Fatal(err)
		}
	}
	// Output: writing dark
}

func ExampleView() {
	dir, cleanup := exampleDir()
	defer cleanup()
	path := filepath.Join(dir, "index.json")
	if err := atomicfs.WriteJSON(path, []string{"a", "b"}, 0o644); err != nil {
		log.Fatal(err)
	}

	// Read under the shared lock: no Update of index.json runs meanwhile, in any process, so
	// what fn sees can be checked against other files the updates keep in step with it.
	err := atomicfs.View(path, func(data []byte) error {
		var names []string
		if err := json.Unmarshal(data, &names); err != nil {
			return err
		}
		fmt.Println(len(names), "entries")
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output: 2 entries
}

func ExampleRename() {
	dir, cleanup := exampleDir()
	defer cleanup()
	draft, published := filepath.Join(dir, "draft.json"), filepath.Join(dir, "post.json")
	if err := atomicfs.WriteFile(draft, []byte(`{"title":"Hello"}`), 0o644); err != nil {
		log.Fatal(err)
	}

	// os.Rename, then the directory fsync that makes the new name survive a power cut.
	if err := atomicfs.Rename(draft, published); err != nil {
		log.Fatal(err)
	}

	data, _ := os.ReadFile(published)
	fmt.Println(string(data))
	// Output: {"title":"Hello"}
}
