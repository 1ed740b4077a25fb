package gate

import (
	"context"
	"errors"
	"time"

	"github.com/perfgate/perfgate/benchmark"
	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/results"
)

// Options configure one run of the gate.
type Options struct {
	// Suite configures the suite; Suite.Runs is the planned runs per side.
	Suite benchmark.RunOptions
	// AB selects interleaved A/B mode: side A runs
	// Suite.BaselineClientCommand ("": the system's tor) against the client
	// under test on one network.
	AB bool
	// Baseline is the stored baseline of stored-baseline mode (nil: the
	// targets alone decide); A/B mode ignores it.
	Baseline *results.Results
	// Config is the gate's configuration (check.DefaultConfig when zero).
	Config check.Config
	// MaxRuns and Budget bound adaptive repetition: MaxRuns ≤ Suite.Runs
	// turns it off; Budget is the wall time all runs may take.
	MaxRuns int
	Budget  time.Duration
	// Now is the clock adaptive repetition reads (time.Now when nil).
	Now func() time.Time
	// Saved is called with the sides after every round, e.g. to write the
	// results files (nil: nothing). base is nil in stored-baseline mode.
	Saved func(base, head *results.Results) error
	// Paths name the files in the report (check.Report.SetPaths): the
	// stored baseline (or A's results in A/B mode) and the results.
	BaselinePath, ResultsPath string
}

// An Outcome is what a run of the gate leaves: the report (nil when no
// comparison was possible) and the runs of each side. Base holds A's runs
// in A/B mode and is nil in stored-baseline mode.
type Outcome struct {
	Report     *check.Report
	Base, Head *results.Results
}

// Run runs the gate: the planned runs, a comparison, and more rounds while
// check.Adapt asks for them. Its error is that of a failed run (network,
// client, timeout) or of the comparison.
//
// The partial-run rule: when a run fails after at least one run of each
// side finished, the runs taken so far, the failed one with its error
// included, are compared, so the Outcome's report exists and its verdict
// is check.VerdictError naming the failed run; Run still returns the run's
// error. When no run of a side finished there is no report.
func Run(ctx context.Context, o Options) (*Outcome, error) {
	if o.Config.Metrics == nil {
		o.Config = check.DefaultConfig()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	r := &round{o: o}
	defer r.close()
	b := check.Budget{MinRuns: max(o.Suite.Runs, 1), MaxRuns: max(o.MaxRuns, o.Suite.Runs, 1), Step: 1, Time: o.Budget}
	rep, rec, err := check.Adapt(ctx, b, o.Now, r.take, r.compare)
	if rep != nil && rec != nil && (o.AB || rep.Baseline != nil) {
		rep.Repetition = rec
	}
	out := &Outcome{Report: rep, Base: r.base, Head: r.head}
	if err != nil && r.finished() {
		// The partial-run rule: compare everything taken, the failed run
		// included, so the report says what failed.
		again, cerr := r.compare()
		if cerr != nil {
			return out, errors.Join(err, cerr)
		}
		if again != nil && rep != nil {
			again.Repetition = rep.Repetition
		}
		out.Report = again
	}
	return out, err
}
