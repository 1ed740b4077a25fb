package cmdutil

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/perfgate/perfgate/results"
)

// NewFlags is a command's flag set: it prints nothing, Parse reports.
func NewFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// Parse parses args into fs. -h prints help, the command's help text, and
// its flags and returns ErrHelp; a bad flag, or an argument after the
// flags when the command takes none (positional false), is an error that
// points to the help.
func Parse(e *Env, fs *flag.FlagSet, args []string, positional bool, help string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			PrintUsage(e.Stdout, fs, help)
			return ErrHelp
		}
		return fmt.Errorf("%s: %v (see 'perfgate %s -h')", fs.Name(), err, fs.Name())
	}
	if !positional && fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected argument %q (see 'perfgate %s -h')", fs.Name(), fs.Arg(0), fs.Name())
	}
	return nil
}

// PrintUsage prints a command's help text and then its flags.
func PrintUsage(w io.Writer, fs *flag.FlagSet, help string) {
	fmt.Fprint(w, help)
	fmt.Fprintln(w, "\nFlags:")
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

// WantsHelp reports whether a command with subcommands was asked for help
// (or given no subcommand).
func WantsHelp(args []string) bool {
	return len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help"
}

// CheckColor checks a --color value.
func CheckColor(command, mode string) error {
	switch mode {
	case "auto", "always", "never":
		return nil
	}
	return fmt.Errorf("%s: --color %q: want auto, always or never", command, mode)
}

// Color says whether to colour what goes to w: always, never, or (auto)
// on a terminal unless NO_COLOR is set or TERM is dumb.
func (e *Env) Color(mode string, w io.Writer) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	return e.Getenv("NO_COLOR") == "" && e.Getenv("TERM") != "dumb" && IsTerminal(w)
}

// IsTerminal reports whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && isatty.IsTerminal(f.Fd())
}

// WriteOut writes to path ("-": stdout) through write. Files are written
// whole or not at all (results.WriteFileAtomic).
func WriteOut(e *Env, path string, write func(io.Writer) error) error {
	if path == "-" {
		return write(e.Stdout)
	}
	var b strings.Builder
	if err := write(&b); err != nil {
		return err
	}
	return results.WriteFileAtomic(path, []byte(b.String()), 0o644)
}

// IsSet reports whether the command line set flag name of fs (after Parse).
func IsSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
