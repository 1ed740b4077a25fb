package quality

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/results"
)

// Thresholds are allowed regressions of the three gated metrics, in
// percent, applied whatever the number of runs; 0 leaves a metric as the
// config has it (with its widening for few runs).
type Thresholds struct {
	P95, RSS, Capacity float64
}

func (t Thresholds) String() string {
	var p []string
	for _, x := range []struct {
		name string
		v    float64
	}{{"p95", t.P95}, {"RSS", t.RSS}, {"capacity", t.Capacity}} {
		if x.v != 0 {
			p = append(p, fmt.Sprintf("%s %g %%", x.name, x.v))
		}
	}
	if len(p) == 0 {
		return "default"
	}
	return strings.Join(p, ", ")
}

// ParseThresholds reads "P95[/RSS[/CAPACITY]]" in percent, e.g. "10",
// "10/5" or "0/5/10" (0: as configured).
func ParseThresholds(s string) (Thresholds, error) {
	var t Thresholds
	f := strings.Split(s, "/")
	if len(f) > 3 {
		return t, fmt.Errorf("%q: want P95[/RSS[/CAPACITY]] in percent", s)
	}
	for i, x := range f {
		v, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil || v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return t, fmt.Errorf("%q: %q is not a percentage", s, x)
		}
		switch i {
		case 0:
			t.P95 = v
		case 1:
			t.RSS = v
		case 2:
			t.Capacity = v
		}
	}
	return t, nil
}

// withThreshold returns cfg with the allowed regressions of th set for
// every number of runs.
func withThreshold(cfg check.Config, th Thresholds) check.Config {
	if th == (Thresholds{}) {
		return cfg
	}
	out := cfg
	out.Metrics = make(map[string]check.MetricConfig, len(cfg.Metrics))
	for k, v := range cfg.Metrics {
		out.Metrics[k] = v
	}
	for key, v := range map[string]float64{results.MetricCircuitBuildP95: th.P95, results.MetricMemorySteadyRSS: th.RSS, results.MetricStreamCapacity: th.Capacity} {
		if v == 0 {
			continue
		}
		mc := out.Metrics[key]
		mc.AllowedRegressionPct = v
		mc.AllowedRegressionPctFewRuns = nil
		out.Metrics[key] = mc
	}
	return out
}
