package check

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/perfgate/perfgate/results"
	"gopkg.in/yaml.v3"
)

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
