package check

import (
	"fmt"
	"time"

	"github.com/perfgate/perfgate/internal/short"
	"github.com/perfgate/perfgate/results"
)

// NewBaseline makes a baseline of r. It refuses results that must not
// become a baseline: a failed run, a benchmark that reported an error, or
// a gated metric missing from a run.
func NewBaseline(r *results.Results, m results.BaselineMeta) (*results.Baseline, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	if err := complete(r); err != nil {
		return nil, fmt.Errorf("%w: a failed or partial run never becomes a baseline", err)
	}
	if m.Date.IsZero() {
		m.Date = time.Now()
	}
	return &results.Baseline{
		Schema:      results.SchemaBaselineV1,
		Suite:       r.Suite,
		Commit:      m.Commit,
		Ref:         m.Ref,
		CreatedAt:   m.Date.UTC(),
		Environment: r.Environment,
		Results:     *r,
	}, nil
}

// complete reports the first reason r is a failed or partial run: a run
// that failed, a benchmark that reported an error, or a gated metric that
// some runs have and others lack.
func complete(r *results.Results) error {
	for i := range r.Runs {
		run := &r.Runs[i]
		if run.Error != "" {
			return fmt.Errorf("run %d failed: %s", run.Index, short.Line(run.Error, 201))
		}
		for _, b := range run.Benchmarks {
			if b.Error != "" {
				return fmt.Errorf("run %d, benchmark %s failed: %s", run.Index, b.Key, short.Line(b.Error, 201))
			}
		}
	}
	for _, m := range results.Metrics {
		if !m.Gates {
			continue
		}
		rm, err := extractRuns(r, m, nil)
		if err != nil {
			return err
		}
		// Missing from every run is a suite that does not measure it;
		// missing from some runs is a partial run.
		if len(rm) != len(r.Runs) && len(rm) > 0 {
			return fmt.Errorf("%s is missing from %d of %d runs", m.Key, len(r.Runs)-len(rm), len(r.Runs))
		}
	}
	return nil
}
