package main

import (
	"context"
	"errors"
)

// cmdNetwork is 'perfgate network'.
func cmdNetwork(ctx context.Context, e *env, args []string) error {
	return errors.New("perfgate network: not implemented yet")
}
