package check

import "fmt"

// Overrides change a Config from the command line: each zero field leaves
// the config's value as it is.
type Overrides struct {
	Resamples  int
	Seed       uint64
	Confidence float64
	// AllowedPct is the allowed regression, in percent, of every gated
	// metric with enough runs.
	AllowedPct float64
}

// Apply returns cfg with the overrides applied and checks the result.
func (o Overrides) Apply(cfg Config) (Config, error) {
	if o.Resamples != 0 {
		cfg.Resamples = o.Resamples
	}
	if o.Seed != 0 {
		cfg.Seed = o.Seed
	}
	if o.Confidence != 0 {
		cfg.Confidence = o.Confidence
	}
	if o.AllowedPct != 0 {
		metrics := make(map[string]MetricConfig, len(cfg.Metrics))
		for k, mc := range cfg.Metrics {
			if mc.Gate {
				mc.AllowedRegressionPct = o.AllowedPct
			}
			metrics[k] = mc
		}
		cfg.Metrics = metrics
	}
	if err := cfg.Validate(); err != nil {
		return cfg, fmt.Errorf("config: %w", err)
	}
	return cfg, nil
}
