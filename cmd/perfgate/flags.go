package main

import (
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mattn/go-isatty"
)

// usageFiles are the commands' help texts, usage/NAME.txt.
//
//go:embed usage/*.txt
var usageFiles embed.FS

// usageText is the help text of the command (the first word of a flag
// set's name: "network up" → network).
func usageText(command string) string {
	name, _, _ := strings.Cut(command, " ")
	data, err := usageFiles.ReadFile("usage/" + name + ".txt")
	if err != nil {
		panic("no usage/" + name + ".txt") // a build without its help texts
	}
	return string(data)
}

// newFlags is a command's flag set: it prints nothing, parseFlags reports.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parseFlags parses args into fs. -h prints the command's help and its
// flags and returns errHelp; a bad flag, or an argument after the flags
// when the command takes none (positional false), is an error that points
// to the help.
func parseFlags(e *env, fs *flag.FlagSet, args []string, positional bool) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(e.stdout, fs)
			return errHelp
		}
		return fmt.Errorf("%s: %v (see 'perfgate %s -h')", fs.Name(), err, fs.Name())
	}
	if !positional && fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected argument %q (see 'perfgate %s -h')", fs.Name(), fs.Arg(0), fs.Name())
	}
	return nil
}

// printUsage prints the command's help text and then its flags.
func printUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, usageText(fs.Name()))
	fmt.Fprintln(w, "\nFlags:")
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

// wantsHelp reports whether a command with subcommands was asked for help
// (or given no subcommand).
func wantsHelp(args []string) bool {
	return len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help"
}

// checkColor checks a --color value.
func checkColor(command, mode string) error {
	switch mode {
	case "auto", "always", "never":
		return nil
	}
	return fmt.Errorf("%s: --color %q: want auto, always or never", command, mode)
}

// color says whether to colour what goes to w: always, never, or (auto)
// on a terminal unless NO_COLOR is set or TERM is dumb.
func (e *env) color(mode string, w io.Writer) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	return e.getenv("NO_COLOR") == "" && e.getenv("TERM") != "dumb" && isTerminal(w)
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && isatty.IsTerminal(f.Fd())
}

// writeOut writes to path ("-": stdout) through write. Files are written
// whole or not at all.
func writeOut(e *env, path string, write func(io.Writer) error) error {
	if path == "-" {
		return write(e.stdout)
	}
	var b strings.Builder
	if err := write(&b); err != nil {
		return err
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	return nil
}
