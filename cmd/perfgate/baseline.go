package main

import (
	"context"
	"errors"
)

// cmdBaseline is 'perfgate baseline'.
func cmdBaseline(ctx context.Context, e *env, args []string) error {
	return errors.New("perfgate baseline: not implemented yet")
}
