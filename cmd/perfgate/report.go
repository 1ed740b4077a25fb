package main

import (
	"context"
	"errors"
)

// cmdReport is 'perfgate report'.
func cmdReport(ctx context.Context, e *env, args []string) error {
	return errors.New("perfgate report: not implemented yet")
}
