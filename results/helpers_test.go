package results_test

import (
	"testing"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/results"
)

// runValues are the values of m in the runs of r that hold it, read as the
// gate reads them: the m.Q-quantile of a run's samples (their median for
// a median-of-runs metric), else the run's value.
func runValues(r *results.Results, m results.Metric) []float64 {
	var out []float64
	for i := range r.Runs {
		b := m.Find(&r.Runs[i])
		if b == nil {
			continue
		}
		samples, v, ok := m.Extract(b)
		if !ok {
			continue
		}
		if samples != nil {
			q := m.Q
			if m.Agg == results.MedianOfRuns {
				q = 0.5
			}
			v = results.Quantile(results.SortedCopy(samples), q)
		}
		out = append(out, v)
	}
	return out
}

func metricOf(t testing.TB, r *check.Report, key string) check.MetricResult {
	t.Helper()
	for _, m := range r.Metrics {
		if m.Key == key {
			return m
		}
	}
	t.Fatalf("metric %s not in report", key)
	return check.MetricResult{}
}
