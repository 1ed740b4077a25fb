package main

import (
	"context"
	"fmt"
	"time"

	"github.com/perfgate/perfgate/benchmark"
	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/results"
)

// A gate takes the runs of 'perfgate run' and of the action's check mode
// and decides: in stored-baseline mode each run of the client under test
// on its own fresh private network, compared with a stored baseline; in
// A/B mode (opts.BaselineClientCommand) one run of each side per round on
// one private network (benchmark.StartAB), compared with each other.
// After the planned runs it compares; while check.Decide says a gated
// metric's interval straddles its threshold and one more round fits in the
// budget, it takes one more round and compares again.
type gate struct {
	// opts configure the suite; opts.Runs is the planned runs per side.
	opts benchmark.RunOptions
	// ab selects A/B mode: side A runs opts.BaselineClientCommand.
	ab bool
	// maxRuns and budget bound adaptive repetition (maxRuns ≤ opts.Runs
	// turns it off).
	maxRuns int
	budget  time.Duration
	// compare compares the sides taken so far: base is nil in stored
	// mode (the caller compares with its stored baseline).
	compare func(base, head *results.Results) (*check.Report, error)
	// saved is called with the sides after every round (nil: nothing).
	saved func(base, head *results.Results) error

	base, head *results.Results
	session    *benchmark.ABSession
}

// run takes the runs and returns the final report (nil when the runs
// failed before any comparison) and the error of a failed run.
func (g *gate) run(ctx context.Context) (*check.Report, error) {
	if g.ab {
		defer func() {
			if g.session != nil {
				g.session.Close()
			}
		}()
	}
	b := check.Budget{MinRuns: max(g.opts.Runs, 1), MaxRuns: max(g.maxRuns, g.opts.Runs, 1), Step: 1, Time: g.budget}
	rep, rec, err := check.Adapt(ctx, b, time.Now, g.take, func() (*check.Report, error) { return g.compare(g.base, g.head) })
	if rep != nil && rec != nil && (g.ab || rep.Baseline != nil) {
		rep.Repetition = rec
	}
	return rep, err
}

// take takes n more runs per side.
func (g *gate) take(ctx context.Context, n int) error {
	var err error
	if g.ab {
		err = g.takeAB(ctx, n)
	} else {
		err = g.takeStored(ctx, n)
	}
	if g.saved != nil && g.head != nil {
		if serr := g.saved(g.base, g.head); serr != nil && err == nil {
			err = serr
		}
	}
	return err
}

func (g *gate) takeStored(ctx context.Context, n int) error {
	o := g.opts
	o.Runs = n
	if g.head != nil {
		o.FirstIndex = len(g.head.Runs)
	}
	res, err := benchmark.Run(ctx, o)
	if res == nil {
		return err
	}
	if g.head == nil {
		g.head = res
	} else {
		g.head.Runs = append(g.head.Runs, res.Runs...)
	}
	g.head.Settings.Runs = len(g.head.Runs)
	return err
}

func (g *gate) takeAB(ctx context.Context, n int) error {
	if g.session == nil {
		s, err := benchmark.StartAB(ctx, g.opts)
		g.session = s
		if err != nil {
			g.base, g.head = benchmark.SplitAB(s.Results())
			return err
		}
	}
	a, _ := g.session.RunsPerSide()
	err := g.session.RunTo(ctx, a+n)
	g.base, g.head = benchmark.SplitAB(g.session.Results())
	return err
}

// abComparison is Report.Comparison in A/B mode.
func abComparison(base, head *results.Results, order benchmark.Order) string {
	n := min(len(base.Runs), len(head.Runs))
	client := func(r *results.Results) string {
		c := r.Environment.ClientCommand
		if c == "" {
			c = "the system's tor"
		}
		if v := r.Environment.ClientVersion; v != "" {
			c += " (" + v + ")"
		}
		return c
	}
	return fmt.Sprintf("interleaved A/B on one private network: %d run%s per side, order %s (%v), a fresh client each run; base (A): %s; head (B): %s",
		n, map[bool]string{true: "", false: "s"}[n == 1], benchmark.ScheduleBlocks(benchmark.Schedule(n, order)), order, client(base), client(head))
}
