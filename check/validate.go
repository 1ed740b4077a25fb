package check

import (
	"fmt"
	"math"
	"strings"

	"github.com/perfgate/perfgate/results"
)

// Validate checks that every setting is in range.
func (c Config) Validate() error {
	if !(c.Confidence > 0.5 && c.Confidence < 1) {
		return fmt.Errorf("confidence %g: want a level between 0.5 and 1, like 0.95", c.Confidence)
	}
	if c.Resamples < 100 || c.Resamples > 100000 {
		return fmt.Errorf("resamples %d: want 100 to 100000", c.Resamples)
	}
	if c.MinRunsForRankTest < 2 {
		return fmt.Errorf("min_runs_for_rank_test %d: want at least 2", c.MinRunsForRankTest)
	}
	switch c.Test {
	case TestWelch, TestRank:
	default:
		return fmt.Errorf("test %q: want %s or %s", c.Test, TestWelch, TestRank)
	}
	if c.RecommendedRuns < 1 {
		return fmt.Errorf("recommended_runs %d: want at least 1", c.RecommendedRuns)
	}
	for _, k := range metricKeys() {
		mc, ok := c.Metrics[k]
		if !ok {
			continue
		}
		if mc.Target < 0 || math.IsNaN(float64(mc.Target)) || mc.AllowedRegressionAbs < 0 {
			return fmt.Errorf("metrics.%s: target and allowed_regression_abs must not be negative", k)
		}
		if mc.AllowedRegressionPct < 0 || mc.AllowedRegressionPct > 1000 || math.IsNaN(mc.AllowedRegressionPct) {
			return fmt.Errorf("metrics.%s: allowed_regression_pct %g: want 0 to 1000", k, mc.AllowedRegressionPct)
		}
		for n, p := range mc.AllowedRegressionPctFewRuns {
			if n < 1 || p < 0 || p > 1000 || math.IsNaN(p) {
				return fmt.Errorf("metrics.%s: allowed_regression_pct_few_runs %d: %g: want runs ≥ 1 and 0 to 1000 %%", k, n, p)
			}
		}
	}
	for k := range c.Metrics {
		if _, ok := results.MetricByKey(k); !ok {
			return fmt.Errorf("unknown metric %q (known: %s)", k, strings.Join(metricKeys(), ", "))
		}
	}
	return nil
}

func metricKeys() []string {
	k := make([]string, len(results.Metrics))
	for i, m := range results.Metrics {
		k[i] = m.Key
	}
	return k
}
