package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"

	"github.com/atomicjson/atomicjson/publisher"
)

// Exit statuses, as documented in the usage and the README.
const (
	exitOK     = 0 // success
	exitVerify = 1 // a verify invariant failed (verify, or repair that could not fix everything)
	exitUsage  = 2 // the command line is wrong
	exitError  = 3 // any other error
)

const defaultRoot = "./content"

// command is one subcommand.
type command struct {
	name    string
	args    string // the arguments after the flags, for the usage line
	summary string
	run     func(c *cli, fs *flag.FlagSet, args []string) int
	flags   func(fs *flag.FlagSet) // registers the command's own flags, if any
}

// commands is the table of subcommands, in the order the usage lists them.
var commands = []*command{
	{name: "post", args: "FILE.json... | -", summary: "publish posts (- reads one post from standard input)", run: cmdPost},
	{name: "unpublish", args: "SLUG...", summary: "remove posts and their index entries", run: cmdUnpublish},
	{name: "list", summary: "list the published posts", run: cmdList, flags: jsonFlag},
	{name: "topics", summary: "list the topic records", run: cmdTopics, flags: topicsFlags},
	{name: "rebuild", summary: "rebuild the content index from the post files", run: cmdRebuild},
	{name: "recover", summary: "restore (from the backup) or rebuild a missing or corrupt content index", run: cmdRecover},
	{name: "verify", summary: "check every invariant; exit status 1 if one fails", run: cmdVerify},
	{name: "repair", summary: "fix what verify finds and report each change", run: cmdRepair},
	{name: "metrics", summary: "show the publish and lock metrics (a table, or -json)", run: cmdMetrics, flags: jsonFlag},
	{name: "clean-temps", summary: "remove temp files left behind by interrupted writes", run: cmdCleanTemps, flags: cleanFlags},
	{name: "demo", summary: "publish sample posts into a fresh root and show the whole pipeline", run: cmdDemo},
}

// cli carries what every command needs.
type cli struct {
	ctx            context.Context
	root           string
	rootSet        bool // -root was given explicitly
	stdin          io.Reader
	stdout, stderr io.Writer
	cmd            *command
}

func jsonFlag(fs *flag.FlagSet) { fs.Bool("json", false, "print JSON instead of a table") }

func topicsFlags(fs *flag.FlagSet) {
	jsonFlag(fs)
	fs.String("status", "", "only topics with this status: queued, published or failed")
}

func cleanFlags(fs *flag.FlagSet) {
	fs.Duration("older-than", 0, "only remove temp files older than this")
}

// run is the whole command: main only adds os.Exit, so tests call run directly.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	c := &cli{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	global := flag.NewFlagSet("publish", flag.ContinueOnError)
	global.StringVar(&c.root, "root", defaultRoot, "content root `DIR`")
	global.Usage = func() { mainUsage(global.Output(), global) }
	if code, ok := c.parse(global, args); !ok {
		return code
	}
	global.Visit(func(f *flag.Flag) { c.rootSet = c.rootSet || f.Name == "root" })
	rest := global.Args()
	if len(rest) == 0 {
		return c.usageError("no command given")
	}
	i := slices.IndexFunc(commands, func(cmd *command) bool { return cmd.name == rest[0] })
	if i < 0 {
		if rest[0] == "help" {
			mainUsage(stdout, global)
			return exitOK
		}
		return c.usageError(fmt.Sprintf("unknown command %q", rest[0]))
	}
	c.cmd = commands[i]
	fs := flag.NewFlagSet(c.cmd.name, flag.ContinueOnError)
	if c.cmd.flags != nil {
		c.cmd.flags(fs)
	}
	fs.Usage = func() { commandUsage(fs.Output(), c.cmd, fs) }
	if code, ok := c.parse(fs, rest[1:]); !ok {
		return code
	}
	return c.cmd.run(c, fs, fs.Args())
}

// parse parses flags; -h prints the usage to standard output and exits 0, a bad flag is a one-line
// usage error.
func (c *cli) parse(fs *flag.FlagSet, args []string) (int, bool) {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if err == nil {
		return 0, true
	}
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(c.stdout)
		fs.Usage()
		return exitOK, false
	}
	return c.usageError(err.Error()), false
}

// usageError prints a one-line usage error and returns exitUsage.
func (c *cli) usageError(msg string) int {
	hint := "publish -h"
	prefix := "publish: "
	if c.cmd != nil {
		hint = "publish " + c.cmd.name + " -h"
		prefix += c.cmd.name + ": "
	}
	fmt.Fprintf(c.stderr, "%s%s (see '%s')\n", prefix, oneLine(msg), hint)
	return exitUsage
}

// fail prints err as one line on standard error and returns exitError.
func (c *cli) fail(err error) int {
	fmt.Fprintf(c.stderr, "publish: %s: %s\n", c.cmd.name, errorLine(err))
	return exitError
}

// errorLine renders err as one line, with what to do next when there is something to do.
func errorLine(err error) string {
	msg := oneLine(err.Error())
	switch publisher.CodeOf(err) {
	case publisher.CodeIndexCorrupt, publisher.CodeTopicIndex, publisher.CodeMetrics:
		msg += " (run 'publish verify' and 'publish repair')"
	case publisher.CodeLockTimeout:
		msg += " (another publisher holds the lock; retry)"
	}
	return msg
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// store opens the content root. Commands other than post and demo refuse a root that does not
// exist: a mistyped -root should not look like an empty blog.
func (c *cli) store(mustExist bool) (*publisher.Store, error) {
	if mustExist {
		fi, err := os.Stat(c.root)
		if err != nil {
			return nil, fmt.Errorf("content root %s does not exist (set it with -root DIR)", c.root)
		}
		if !fi.IsDir() {
			return nil, fmt.Errorf("content root %s is not a directory", c.root)
		}
	}
	return publisher.Open(c.root)
}

const exitStatusText = `Exit status: 0 success, 1 a verify invariant failed, 2 usage error, 3 any other error.`

func mainUsage(w io.Writer, global *flag.FlagSet) {
	fmt.Fprintf(w, `usage: publish [-root DIR] <command> [arguments]

Publish blog posts into a content root whose every file is JSON, written atomically
(atomicfs), and check and repair that root. A post file holds one JSON object:
{"slug": "hello-world", "title": "...", "topic": "...", "tags": ["..."], "body": "..."}

Commands:
`)
	for _, cmd := range commands {
		fmt.Fprintf(w, "  %-12s %s\n", cmd.name, cmd.summary)
	}
	fmt.Fprintf(w, "\nGlobal flags (before the command):\n")
	global.SetOutput(w)
	global.PrintDefaults()
	fmt.Fprintf(w, "\n%s\nRun 'publish COMMAND -h' for a command's flags.\n", exitStatusText)
}

func commandUsage(w io.Writer, cmd *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: publish [-root DIR] %s", cmd.name)
	hasFlags := false
	fs.VisitAll(func(*flag.Flag) { hasFlags = true })
	if hasFlags {
		fmt.Fprint(w, " [flags]")
	}
	if cmd.args != "" {
		fmt.Fprint(w, " "+cmd.args)
	}
	fmt.Fprintf(w, "\n\n%s.\n", strings.ToUpper(cmd.summary[:1])+cmd.summary[1:])
	if detail := commandDetail[cmd.name]; detail != "" {
		fmt.Fprintf(w, "\n%s\n", detail)
	}
	if hasFlags {
		fmt.Fprintf(w, "\nFlags:\n")
		fs.SetOutput(w)
		fs.PrintDefaults()
	}
	fmt.Fprintf(w, "\n%s\n", exitStatusText)
}

// commandDetail is the longer help of the commands that need one.
var commandDetail = map[string]string{
	"post": `Each FILE holds one JSON post object; "-" reads one from standard input. Posts are
published in order; an invalid post is reported and skipped, and nothing of it is written.
Publishing the same content again changes nothing; new content under an existing slug keeps
publishedAt and sets updatedAt.`,
	"recover": `Only a missing or unparsable index is touched. The backup
(_system/contentIndex.backup.json) is restored if it matches the post files exactly;
otherwise the index is rebuilt from the post files. A corrupt index is kept in
_system/quarantine/.`,
	"verify": `Checks that every index entry has its post file with the same SHA-256, every valid post
is indexed, every indexed topic has a record, every .json file parses, every system file
decodes, and no temp files are left. Prints each problem.`,
	"repair": `Removes temp files, quarantines corrupt files (to _system/quarantine/<name>.corrupt),
recovers the index, indexes unindexed posts, drops entries without a post, and adds missing
topic records. Prints each change; exit status 1 if problems remain afterwards.`,
	"demo": `Without -root, the demo creates a fresh temporary directory and prints its path; with
-root, the directory must be empty or not exist yet.`,
}
