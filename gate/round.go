package gate

import (
	"context"
	"fmt"

	"github.com/perfgate/perfgate/benchmark"
	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/results"
)

// A round takes the runs of one gate: in stored-baseline mode each run of
// the client under test on its own fresh private network
// (benchmark.Run); in A/B mode one run of each side per round on one
// private network (benchmark.StartAB).
type round struct {
	o          Options
	base, head *results.Results
	session    *benchmark.ABSession
}

// take takes n more runs per side and calls o.Saved.
func (r *round) take(ctx context.Context, n int) error {
	var err error
	if r.o.AB {
		err = r.takeAB(ctx, n)
	} else {
		err = r.takeStored(ctx, n)
	}
	if r.o.Saved != nil && r.head != nil {
		if serr := r.o.Saved(r.base, r.head); serr != nil && err == nil {
			err = serr
		}
	}
	return err
}

func (r *round) takeStored(ctx context.Context, n int) error {
	o := r.o.Suite
	o.Runs = n
	if r.head != nil {
		o.FirstIndex = len(r.head.Runs)
	}
	res, err := benchmark.Run(ctx, o)
	if res == nil {
		return err
	}
	if r.head == nil {
		r.head = res
	} else {
		r.head.Runs = append(r.head.Runs, res.Runs...)
	}
	r.head.Settings.Runs = len(r.head.Runs)
	return err
}

func (r *round) takeAB(ctx context.Context, n int) error {
	if r.session == nil {
		s, err := benchmark.StartAB(ctx, r.o.Suite)
		r.session = s
		if err != nil {
			if s != nil {
				r.base, r.head = benchmark.SplitAB(s.Results())
			}
			return err
		}
	}
	a, _ := r.session.RunsPerSide()
	err := r.session.RunTo(ctx, a+n)
	r.base, r.head = benchmark.SplitAB(r.session.Results())
	return err
}

// finished reports whether each side holds at least one run.
func (r *round) finished() bool {
	if r.head == nil || len(r.head.Runs) == 0 {
		return false
	}
	return !r.o.AB || r.base != nil && len(r.base.Runs) > 0
}

// close ends the A/B session, if any.
func (r *round) close() {
	if r.session != nil {
		r.session.Close()
	}
}

// compare is the one compare step of the gate: the sides taken so far
// against each other (A/B) or against the stored baseline.
func (r *round) compare() (*check.Report, error) {
	if r.head == nil {
		return nil, fmt.Errorf("no runs to compare")
	}
	if !r.o.AB {
		rep, err := check.Compare(r.o.Baseline, r.head, r.o.Config)
		if err != nil {
			return nil, err
		}
		rep.SetStored(r.o.BaselinePath, r.o.ResultsPath)
		return rep, nil
	}
	if r.base == nil {
		return nil, fmt.Errorf("no runs of the baseline client to compare")
	}
	rep, err := check.Compare(r.base, r.head, r.o.Config)
	if err != nil {
		return nil, err
	}
	rep.SetPaths(r.o.BaselinePath, r.o.ResultsPath)
	// Same machine, same job: the clients' difference is what is measured,
	// not a caveat.
	rep.EnvironmentDiff = nil
	rep.Comparison = ABComparison(r.base, r.head, r.o.Suite.Order)
	return rep, nil
}
