package check

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/perfgate/perfgate/results"
	"gopkg.in/yaml.v3"
)

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

// A Quantity is a number in a metric's base unit. In YAML it is a number
// or a string with a unit: a Go duration ("5s", "250ms") or a byte size
// ("50MiB", "50 MB" = 50·10⁶, "1.5GiB").
type Quantity float64

// UnmarshalYAML reads a number or a number with a unit.
func (q *Quantity) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: want a number or a quantity like 5s or 50MiB", n.Line)
	}
	v, err := results.ParseQuantity(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*q = Quantity(v)
	return nil
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

// fileConfig mirrors Config with optional fields, so that a file sets only
// what it names.
type fileConfig struct {
	Metrics            map[string]fileMetricConfig `yaml:"metrics"`
	Confidence         *float64                    `yaml:"confidence"`
	Resamples          *int                        `yaml:"resamples"`
	Seed               *uint64                     `yaml:"seed"`
	MinRunsForRankTest *int                        `yaml:"min_runs_for_rank_test"`
	Test               *string                     `yaml:"test"`
	RecommendedRuns    *int                        `yaml:"recommended_runs"`
}

type fileMetricConfig struct {
	Gate                        *bool           `yaml:"gate"`
	Target                      *Quantity       `yaml:"target"`
	AllowedRegressionPct        *float64        `yaml:"allowed_regression_pct"`
	AllowedRegressionPctFewRuns map[int]float64 `yaml:"allowed_regression_pct_few_runs"`
	AllowedRegressionAbs        *Quantity       `yaml:"allowed_regression_abs"`
}

// LoadConfig reads a YAML config over DefaultConfig. Unknown keys and
// unknown metric names are errors that name the file and line.
func LoadConfig(path string) (Config, error) {
	data, err := results.ReadFile(path)
	if err != nil {
		return Config{}, err
	}
	c, err := ParseConfig(data)
	if err != nil {
		return Config{}, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// ParseConfig reads a YAML config over DefaultConfig.
func ParseConfig(data []byte) (Config, error) {
	c := DefaultConfig()
	if len(bytes.TrimSpace(data)) == 0 {
		return c, nil
	}
	var f fileConfig
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) && len(te.Errors) > 0 {
			return c, errors.New(te.Errors[0])
		}
		return c, fmt.Errorf("invalid YAML: %w", err)
	}
	keys := make([]string, 0, len(f.Metrics))
	for k := range f.Metrics {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fm := f.Metrics[k]
		mc, ok := c.Metrics[k]
		if !ok {
			return c, fmt.Errorf("unknown metric %q in metrics (known: %s)", k, strings.Join(metricKeys(), ", "))
		}
		if fm.Gate != nil {
			mc.Gate = *fm.Gate
		}
		if fm.Target != nil {
			mc.Target = *fm.Target
		}
		if fm.AllowedRegressionPct != nil {
			mc.AllowedRegressionPct = *fm.AllowedRegressionPct
		}
		if fm.AllowedRegressionPctFewRuns != nil {
			mc.AllowedRegressionPctFewRuns = fm.AllowedRegressionPctFewRuns
		}
		if fm.AllowedRegressionAbs != nil {
			mc.AllowedRegressionAbs = *fm.AllowedRegressionAbs
		}
		c.Metrics[k] = mc
	}
	if f.Confidence != nil {
		c.Confidence = *f.Confidence
	}
	if f.Resamples != nil {
		c.Resamples = *f.Resamples
	}
	if f.Seed != nil {
		c.Seed = *f.Seed
	}
	if f.MinRunsForRankTest != nil {
		c.MinRunsForRankTest = *f.MinRunsForRankTest
	}
	if f.RecommendedRuns != nil {
		c.RecommendedRuns = *f.RecommendedRuns
	}
	if f.Test != nil {
		c.Test = *f.Test
	}
	return c, c.Validate()
}

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

func metricKeys() []string {
	k := make([]string, len(results.Metrics))
	for i, m := range results.Metrics {
		k[i] = m.Key
	}
	return k
}
