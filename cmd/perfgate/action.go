package main

import (
	"context"

	"github.com/perfgate/perfgate/action"
	"github.com/perfgate/perfgate/internal/actiongate"
)

// cmdAction is 'perfgate action': the GitHub Action's entrypoint, package
// action's Run with the gate wired in.
func cmdAction(ctx context.Context, e *env, args []string) error {
	if err := parseFlags(e, newFlags("action"), args, false); err != nil {
		return err
	}
	return action.Run(ctx, action.Options{
		Getenv: e.getenv, Stdout: e.stdout, Stderr: e.stderr,
		Gate: actiongate.New(e.stdout, e.stderr, e.getenv, e.now), Now: e.now, Sleep: e.sleep, Transport: e.transport,
	})
}
