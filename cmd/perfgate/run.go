package main

import (
	"context"
	"errors"
)

// cmdRun is 'perfgate run'.
func cmdRun(ctx context.Context, e *env, args []string) error {
	return errors.New("perfgate run: not implemented yet")
}
