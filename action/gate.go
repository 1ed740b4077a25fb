package action

import (
	"context"
	"time"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/results"
)

// A Gate runs perfgate's suite through the gate for the action: main wires
// it to package gate, so that this package stays free of the suite.
type Gate func(ctx context.Context, r GateRequest) (GateResult, error)

// A GateRequest is what the action asks of the gate: its inputs, the
// stored baseline and config read at the pull request's base commit, and
// where the results go.
type GateRequest struct {
	// Runs and MaxRuns per side, and the Budget adaptive repetition may take.
	Runs, MaxRuns int
	Budget        time.Duration
	Quick         bool
	// ClientCommand is the client under test; a non-empty
	// BaselineClientCommand selects interleaved A/B mode. "tor" or "" is
	// the system's tor.
	ClientCommand, BaselineClientCommand string
	// Baseline is the stored baseline (nil: the targets alone decide).
	Baseline *results.Results
	Config   check.Config
	// BaselinePath and ResultsPath name the sides in the report.
	BaselinePath, ResultsPath string
	// Saved is called with the sides after every round (base is nil in
	// stored-baseline mode).
	Saved func(base, head *results.Results) error
}

// A GateResult is what the gate leaves: the report (nil when no
// comparison was possible) and each side's runs (Base only in A/B mode).
type GateResult struct {
	Report     *check.Report
	Base, Head *results.Results
}
