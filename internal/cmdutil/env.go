// Package cmdutil holds what perfgate's commands share, as cli/cli's
// cmdutil does: the outside world a command gets (Env: its IO, clock,
// the wait between retries and the HTTP transport, injected by tests),
// parsing a command's flags with its help text, the colour and terminal
// rules, writing an output file, and the option groups several commands
// declare (the gate's config, the report's outputs).
//
//	fs := cmdutil.NewFlags("compare")
//	var out cmdutil.Outputs
//	out.Register(fs)
//	if err := cmdutil.Parse(e, fs, args, false, help); err != nil {
//		return err // cmdutil.ErrHelp after -h
//	}
package cmdutil

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"
)

// ErrHelp is returned when the user asked for help, which is not an error.
var ErrHelp = errors.New("help requested")

// Env is what every command gets from the outside world; tests inject it.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// Now, Sleep and Transport are the clock, the wait between retries of
	// GitHub calls and their HTTP transport (nil: the real ones).
	Now       func() time.Time
	Sleep     func(ctx context.Context, d time.Duration) error
	Transport http.RoundTripper
}
