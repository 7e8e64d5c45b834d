// Command publish runs the reference content pipeline: it publishes blog posts into a content root
// whose every file is JSON written atomically, and checks and repairs that root.
//
// Usage:
//
//	publish [-root DIR] <command> [arguments]
//
// Run "publish -h" for the commands and "publish COMMAND -h" for a command's flags.
//
// Exit status: 0 success, 1 a verify invariant failed, 2 usage error, 3 any other error.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
