// Package actiongate wires the GitHub Action (package action) to the gate
// (package gate): action stays free of the suite, and main and the
// action's tests share this one wiring.
package actiongate

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/perfgate/perfgate/action"
	"github.com/perfgate/perfgate/benchmark"
	"github.com/perfgate/perfgate/gate"
)

// New returns the action's gate: its requests run through package gate,
// the suite's phases as collapsed groups in the job's log (stdout), its
// log on stderr. now is the clock of adaptive repetition (nil: time.Now).
func New(stdout, stderr io.Writer, getenv func(string) string, now func() time.Time) action.Gate {
	return func(ctx context.Context, r action.GateRequest) (action.GateResult, error) {
		cfg := benchmark.DefaultConfig()
		if r.Quick {
			cfg = benchmark.QuickConfig()
		}
		out, err := gate.Run(ctx, gate.Options{
			Suite: benchmark.RunOptions{
				Runs:                  r.Runs,
				Quick:                 r.Quick,
				Config:                cfg,
				ClientCommand:         SystemTor(r.ClientCommand),
				BaselineClientCommand: SystemTor(r.BaselineClientCommand),
				Log:                   slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo})),
				Progress:              benchmark.NewProgress(stdout, true, false),
				Getenv:                getenv,
			},
			AB:       r.BaselineClientCommand != "",
			Baseline: r.Baseline, Config: r.Config,
			MaxRuns: r.MaxRuns, Budget: r.Budget, Now: now,
			BaselinePath: r.BaselinePath, ResultsPath: r.ResultsPath,
			Saved: r.Saved,
		})
		return action.GateResult{Report: out.Report, Base: out.Base, Head: out.Head}, err
	}
}

// SystemTor maps the command template "tor" (the system's tor, as is) to
// "", which the suite reads as the system's tor.
func SystemTor(cmd string) string {
	if strings.TrimSpace(cmd) == "tor" {
		return ""
	}
	return cmd
}
