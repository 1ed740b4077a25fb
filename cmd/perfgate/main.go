// Command perfgate is a release gate for the performance of Tor clients.
//
// It runs the benchmark suite against a real Tor client on a private Tor
// network on loopback, compares the results with a stored baseline and
// absolute targets, and reports the verdict on the terminal, in markdown,
// as JSON, or as a GitHub Action.
//
// Exit codes: 0 pass, 1 regression or missed target, 2 error.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"runtime"
	"runtime/debug"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/internal/cmdutil"
)

// Exit codes of perfgate.
const (
	exitPass       = 0
	exitRegression = 1
	exitError      = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], &env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// exitCode maps the error of run to perfgate's exit code, printing it.
func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil:
		return exitPass
	case errors.Is(err, errHelp):
		return exitPass
	case errors.Is(err, check.ErrRegression):
		fmt.Fprintf(stderr, "perfgate: %v\n", err)
		return exitRegression
	default:
		fmt.Fprintf(stderr, "perfgate: %v\n", err)
		return exitError
	}
}

// errHelp is returned when the user asked for help, which is not an error.
var errHelp = cmdutil.ErrHelp

// env is what every command gets from the outside world; tests inject it.
type env = cmdutil.Env

// commands are perfgate's subcommands by name; usage/perfgate.txt lists
// them (TestCommandsListed keeps the two in step).
var commands = map[string]func(ctx context.Context, e *env, args []string) error{
	"run": cmdRun, "compare": cmdCompare, "baseline": cmdBaseline, "report": cmdReport,
	"network": cmdNetwork, "action": cmdAction, "evaluate": cmdEvaluate, "export": cmdExport,
	"history": cmdHistory,
}

// run is perfgate's main, with its outside world injected.
func run(ctx context.Context, args []string, e *env) error {
	if e.Now == nil {
		e.Now = time.Now
	}
	stdout, stderr, getenv := e.Stdout, e.Stderr, e.Getenv
	if len(args) == 0 {
		// With no arguments perfgate runs the full gate locally, or acts as
		// the GitHub Action when the runner started it.
		if getenv("GITHUB_ACTIONS") == "true" && getenv("INPUT_MODE") != "" {
			return cmdAction(ctx, e, nil)
		}
		return cmdRun(ctx, e, nil)
	}
	name := args[0]
	if name == "--version" || name == "-version" || name == "version" {
		fmt.Fprintln(stdout, versionLine())
		return nil
	}
	if cmdutil.WantsHelp(args) {
		fmt.Fprint(stdout, usageText("perfgate"))
		return errHelp
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprint(stderr, usageText("perfgate"))
		return fmt.Errorf("unknown command %q: run 'perfgate help' for the list", name)
	}
	return cmd(ctx, e, args[1:])
}

// version is set at build time (-ldflags "-X main.version=…").
var version = "0.1.0-dev"

// versionLine is what --version prints: the version, the commit it was
// built from when the build recorded one, and the Go toolchain.
func versionLine() string {
	s := "perfgate " + version
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, kv := range bi.Settings {
			if kv.Key == "vcs.revision" && len(kv.Value) >= 12 {
				s += " (" + kv.Value[:12] + ")"
			}
		}
	}
	return s + " " + runtime.Version()
}
