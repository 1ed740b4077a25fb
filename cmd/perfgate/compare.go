package main

import (
	"context"
	"errors"
)

// cmdCompare is 'perfgate compare'.
func cmdCompare(ctx context.Context, e *env, args []string) error {
	return errors.New("perfgate compare: not implemented yet")
}
