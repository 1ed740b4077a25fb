package main

import (
	"context"
	"errors"
)

// cmdAction is 'perfgate action'.
func cmdAction(ctx context.Context, e *env, args []string) error {
	return errors.New("perfgate action: not implemented yet")
}
