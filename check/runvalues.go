package check

import (
	"fmt"

	"github.com/perfgate/perfgate/results"
)

// RunValues returns each run's value of every metric (results.Metrics,
// gated and reported) as the gate reads it: out[i] maps a metric key to
// the value of r.Runs[i], the one a comparison's per-run values
// (SideValue.RunValues) hold. A metric the run lacks has no key; a run
// with no metric at all has an empty map. For a PooledQuantile metric the
// run's value is the quantile of its own samples (the gate pools the runs'
// samples for a side's value, so the median of these values is not the
// side's value). The error, for an implausible value (NaN, negative,
// absurd), names the metric, the run and the benchmark.
func RunValues(r *results.Results) ([]map[string]float64, error) {
	out := make([]map[string]float64, len(r.Runs))
	for i := range out {
		out[i] = map[string]float64{}
	}
	cache := sampleCache{}
	for _, m := range results.Metrics {
		for i := range r.Runs {
			// One run at a time: extractRuns skips the runs without the
			// metric and names runs by Index, which need not be unique.
			one := results.Results{Runs: r.Runs[i : i+1]}
			rm, err := extractRuns(&one, m, cache)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", m.Key, err)
			}
			if len(rm) == 1 {
				out[i][m.Key] = rm[0].value
			}
		}
	}
	return out, nil
}
