package check

import "github.com/perfgate/perfgate/results"

// A Config sets, per metric, the absolute target, the allowed regression
// and whether the metric gates, plus the statistics' knobs. DefaultConfig
// holds the defaults the noise measurements support; a YAML file
// (LoadConfig) overrides any of them.
type Config struct {
	// Metrics maps a metric key (see Metrics) to its settings.
	Metrics map[string]MetricConfig `yaml:"metrics"`
	// Confidence is the confidence level of intervals and tests (0.95:
	// α = 0.05, Holm-corrected over the gated metrics).
	Confidence float64 `yaml:"confidence"`
	// Resamples is the number of bootstrap resamples.
	Resamples int `yaml:"resamples"`
	// Seed seeds the bootstrap, so the same inputs give the same verdict.
	Seed uint64 `yaml:"seed"`
	// MinRunsForRankTest is the number of runs per side from which the
	// Mann–Whitney U test over the runs' values (benchmath) decides
	// significance instead of the bootstrap.
	MinRunsForRankTest int `yaml:"min_runs_for_rank_test"`
	// Test is the significance test over the runs' values: TestWelch or
	// TestRank (see each).
	Test string `yaml:"test"`
	// RecommendedRuns is the number of runs per side below which the
	// report calls the comparison weak.
	RecommendedRuns int `yaml:"recommended_runs"`
}

// A MetricConfig is the gate's settings for one metric.
type MetricConfig struct {
	// Gate tells whether the metric decides the verdict.
	Gate bool `yaml:"gate"`
	// Target is the absolute target in the metric's unit (0: none).
	Target Quantity `yaml:"target"`
	// AllowedRegressionPct is the allowed worsening, in percent, with at
	// least RecommendedRuns runs per side.
	AllowedRegressionPct float64 `yaml:"allowed_regression_pct"`
	// AllowedRegressionPctFewRuns widens it when the side with fewer runs
	// has only this many (key: runs per side).
	AllowedRegressionPctFewRuns map[int]float64 `yaml:"allowed_regression_pct_few_runs"`
	// AllowedRegressionAbs is an allowed worsening in the metric's unit;
	// when both are set, a change must exceed both to regress.
	AllowedRegressionAbs Quantity `yaml:"allowed_regression_abs"`
}

// DefaultConfig returns the defaults: the three gated metrics with the
// seed's targets, Welch's t on the logs of the runs' values as the test
// (TestWelch), and allowed regressions chosen by 'perfgate evaluate' on
// real runs of the quiet instrument (README, "Gate quality": 14 A/A runs
// and 8 injected runs per loopback mode, 300 sampled pairs per line) as the
// smallest that kept false alarms at about 1 % per metric or less from 3
// runs per side in both modes: the pooled circuit p95 10 % (15 % with two
// runs, 80 % with one, where no test over runs applies), the median RSS
// 5 % (10 % with one or two runs: the fixture networks of
// testdata/loopback-noise differ by up to 9.7 % one against one), stream
// capacity 10 % (15 % with two runs, 30 % with one); 95 % confidence;
// 2000 seeded resamples for the intervals. RecommendedRuns is 5: fewer
// runs per side call the comparison weak.
func DefaultConfig() Config {
	c := Config{
		Metrics:            map[string]MetricConfig{},
		Confidence:         0.95,
		Resamples:          2000,
		Seed:               1,
		MinRunsForRankTest: 5,
		Test:               TestWelch,
		RecommendedRuns:    5,
	}
	for _, m := range results.Metrics {
		mc := MetricConfig{Gate: m.Gates, Target: Quantity(m.Target), AllowedRegressionPct: 10,
			AllowedRegressionPctFewRuns: map[int]float64{1: 20, 2: 15}}
		switch m.Key {
		case results.MetricCircuitBuildP95:
			mc.AllowedRegressionPct = 10
			mc.AllowedRegressionPctFewRuns = map[int]float64{1: 80, 2: 15, 3: 10}
		case results.MetricMemorySteadyRSS:
			mc.AllowedRegressionPct = 5
			mc.AllowedRegressionPctFewRuns = map[int]float64{1: 10, 2: 10, 3: 5}
		case results.MetricStreamCapacity:
			mc.AllowedRegressionPct = 10
			mc.AllowedRegressionPctFewRuns = map[int]float64{1: 30, 2: 15, 3: 10}
		}
		c.Metrics[m.Key] = mc
	}
	return c
}

// allowedPct is the allowed regression in percent for a comparison whose
// smaller side has runs runs.
func (mc MetricConfig) allowedPct(runs, recommended int) float64 {
	if runs >= recommended {
		return mc.AllowedRegressionPct
	}
	best, bestN := mc.AllowedRegressionPct, 0
	for n, p := range mc.AllowedRegressionPctFewRuns {
		// The entry for the largest run count not above runs.
		if n <= runs && n > bestN {
			best, bestN = p, n
		}
	}
	return best
}

// Gated lists the keys of the metrics c gates, in results.Metrics' order.
func (c Config) Gated() []string {
	var out []string
	for _, m := range results.Metrics {
		if c.Metrics[m.Key].Gate {
			out = append(out, m.Key)
		}
	}
	return out
}
