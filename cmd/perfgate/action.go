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
		Getenv: e.Getenv, Stdout: e.Stdout, Stderr: e.Stderr,
		Gate: actiongate.New(e.Stdout, e.Stderr, e.Getenv, e.Now), Now: e.Now, Sleep: e.Sleep, Transport: e.Transport,
	})
}
