package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/perfgate/perfgate/action"
	"github.com/perfgate/perfgate/internal/actiongate"
)

// cmdAction is 'perfgate action': the GitHub Action's entrypoint, package
// action's Run with the gate wired in.
func cmdAction(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("action", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprint(e.stderr, "usage: perfgate action\n\n"+
			"Runs as the GitHub Action (the container's entrypoint). Inputs come from INPUT_* variables as\n"+
			"action.yml declares them, the event from GITHUB_EVENT_PATH; see docs/action.md.\n")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return err
	}
	return action.Run(ctx, action.Options{
		Getenv: e.getenv, Stdout: e.stdout, Stderr: e.stderr,
		Gate: actiongate.New(e.stdout, e.stderr, e.getenv, e.now), Now: e.now, Sleep: e.sleep, Transport: e.transport,
	})
}
