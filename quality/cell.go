package quality

import (
	"math"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/results"
)

// GatedMetrics are the keys of the three gated metrics, in report order.
var GatedMetrics = []string{results.MetricCircuitBuildP95, results.MetricMemorySteadyRSS, results.MetricStreamCapacity}

// A Cell is one line of the evaluation: a condition compared many times.
type Cell struct {
	Mode string
	// Condition is "A/A", an injected pool's name, or "synthetic …".
	Condition string
	Kinds     []string
	Size      float64
	K         int
	// Builds is the circuit builds per run the cell used (0: as collected).
	Builds int
	// Threshold is the allowed regressions used.
	Threshold Thresholds
	// Comparisons counts the replayed comparisons; Possible the distinct
	// ones the pools allow (more are sampled down to MaxPairs).
	Comparisons, Possible int
	// Alarms counts comparisons whose verdict failed the check (a
	// regression, or an error such as a benchmark that failed: both fail
	// the check); VerdictErrors those that were errors; Regressed the
	// regressions per metric; Errors comparisons Compare refused.
	Alarms        int
	VerdictErrors int
	Regressed     map[string]int
	Errors        int
	// Adaptive is set on lines with adaptive repetition: MeanRuns is the
	// mean number of current-side runs taken, Exhausted the comparisons
	// that stopped on the budget with an interval still straddling.
	Adaptive  bool
	MeanRuns  float64
	Exhausted int
	// VerdictS is the mean wall time of the runs a verdict needed: the
	// current side's runs in stored mode (the baseline is stored), both
	// sides' runs and the network's start in A/B mode.
	VerdictS float64
	// FirstError is the first comparison error, if any.
	FirstError string
	// Effect is the regression the injection really made, per gated
	// metric: the relative change (positive is worse) between all the
	// A/A runs and all the injected runs, pooled as the gate pools a side.
	// Nil for A/A cells.
	Effect map[string]float64
}

// AA reports whether the cell measures false alarms.
func (c Cell) AA() bool { return c.Condition == "A/A" }

// Rate is the fraction of comparisons that alarmed (false alarms for
// A/A, power otherwise), over all gated metrics.
func (c Cell) Rate() float64 { return ratio(c.Alarms, c.Comparisons) }

// MetricRate is the fraction of comparisons in which the metric regressed.
func (c Cell) MetricRate(key string) float64 { return ratio(c.Regressed[key], c.Comparisons) }

func ratio(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

// count adds a report's verdict to the cell.
func (c *Cell) count(rep *check.Report) {
	if rep.Verdict != check.VerdictPass {
		c.Alarms++
	}
	if rep.Verdict == check.VerdictError {
		c.VerdictErrors++
	}
	for _, m := range rep.Metrics {
		if m.Gated && m.Status == check.StatusRegressed {
			c.Regressed[m.Key]++
		}
	}
}
