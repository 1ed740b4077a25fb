package history

import (
	"fmt"

	"github.com/perfgate/perfgate/changepoint"
	"github.com/perfgate/perfgate/internal/short"
	"github.com/perfgate/perfgate/results"
)

// Series is metric's series over the history, oldest first: values[i] is
// the median of the runs' values of commits[i], and boundaries are the
// indexes i where the environment's fingerprint differs from that of
// i-1 (another CPU, another tor, another network setting). Entries without
// the metric are left out.
func (h *History) Series(metric string) (values []float64, commits []string, boundaries []int) {
	prev := ""
	for i := range h.Entries {
		e := &h.Entries[i]
		v, ok := e.Median(metric)
		if !ok {
			continue
		}
		if len(values) > 0 && e.Fingerprint != prev {
			boundaries = append(boundaries, len(values))
		}
		prev = e.Fingerprint
		values = append(values, v)
		commits = append(commits, e.Commit)
	}
	return values, commits, boundaries
}

// A Change is a step change in a metric's series: from commit Last, the
// last of the old segment, to commit First, the first of the new one.
type Change struct {
	Metric string
	// Index is First's index in the series (History.Series).
	Index int
	// First is the first commit of the new segment, Last the last commit
	// of the old one: the change came in with the commits between them
	// (First's parents back to Last).
	First, Last string
	// Before and After are the medians of the segments on either side,
	// in the metric's unit; RelChange is After/Before - 1.
	Before, After, RelChange float64
	// P is the p-value of the permutation test that found the change.
	P float64
	// Worse tells whether the change is for the worse in the metric's
	// direction (slower, bigger, fewer streams).
	Worse bool
}

// String is e.g. "circuit_build_p95: +20.3 % from 1a2b3c4..5d6e7f8 (p = 0.005)".
func (c Change) String() string {
	return fmt.Sprintf("%s: %+.1f %% from %s..%s (p = %.3g)", c.Metric, 100*c.RelChange, short.Commit(c.Last), short.Commit(c.First), c.P)
}

// Changes finds the step changes in metric's series (Series) with
// changepoint.Detect under o, the environment changes as boundaries: a
// step where the fingerprint changes is not a change. It returns nil when
// there is none, or when the series is too short (2·MinSize points per
// segment at least). The error names an unknown metric, or a commit whose
// value is not positive (change points compare ratios).
func Changes(h *History, metric string, o changepoint.Options) ([]Change, error) {
	m, ok := results.MetricByKey(metric)
	if !ok {
		return nil, fmt.Errorf("history: unknown metric %q", metric)
	}
	values, commits, boundaries := h.Series(metric)
	for i, v := range values {
		if !(v > 0) {
			return nil, fmt.Errorf("history: %s of commit %s is %g: change points need positive values", metric, short.Commit(commits[i]), v)
		}
	}
	cps, err := changepoint.Detect(values, boundaries, o)
	if err != nil {
		return nil, fmt.Errorf("history: %s: %w", metric, err)
	}
	var out []Change
	for _, c := range cps {
		worse := c.RelChange > 0
		if m.Better == results.HigherIsBetter {
			worse = c.RelChange < 0
		}
		out = append(out, Change{Metric: metric, Index: c.Index, First: commits[c.Index], Last: commits[c.Index-1],
			Before: c.Before, After: c.After, RelChange: c.RelChange, P: c.P, Worse: worse})
	}
	return out, nil
}
