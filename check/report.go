package check

import (
	"time"

	"github.com/perfgate/perfgate/results"
)

// SchemaVerdictV1 is the schema field of a JSON verdict (WriteJSON).
const SchemaVerdictV1 = "perfgate/verdict/v1"

// A Report is the outcome of a comparison: the model every renderer
// (markdown, terminal, JSON) draws from.
type Report struct {
	Schema  string  `json:"schema"`
	Verdict Verdict `json:"verdict"`
	// Baseline is nil when there was no baseline.
	Baseline *SideInfo `json:"baseline,omitempty"`
	Current  SideInfo  `json:"current"`
	// Metrics holds the gated metrics first, then the reported ones.
	Metrics []MetricResult `json:"metrics"`
	// Benchmarks summarises every benchmark of the current results.
	Benchmarks []BenchmarkRow `json:"benchmarks,omitempty"`
	// Instrument says which private network measured the current side:
	// its loopback mode and relays' settings (Instrument); "" when the
	// results do not say (another tool's, or an older perfgate's).
	Instrument string `json:"instrument,omitempty"`
	// EnvironmentDiff lists how the baseline's environment differs.
	EnvironmentDiff []string `json:"environment_diff,omitempty"`
	// Notes are shown at the top of every rendering.
	Notes []string `json:"notes,omitempty"`
	// Warnings are statistical caveats and values left out; not failures.
	Warnings []string `json:"warnings,omitempty"`
	// Comparison says in one line what the current side was compared
	// with, e.g. "interleaved A/B on one private network: 3 runs per side,
	// order ABBA BA" or "stored baseline baselines/default.json (3 runs,
	// recorded 2026-11-25)". Compare leaves it empty; its caller knows
	// (StoredComparison describes a stored baseline).
	Comparison string `json:"comparison,omitempty"`
	// Paired tells a comparison of shards paired by runner
	// (ComparePaired): its changes are geometric means of the runners'
	// head/base ratios, tested with Student's t over the shards.
	Paired bool `json:"paired,omitempty"`
	// Repetition says what adaptive repetition did; nil when it was off.
	Repetition *Repetition `json:"adaptive_repetition,omitempty"`
	// BaselineCommand is the command that creates the missing baseline.
	BaselineCommand string  `json:"baseline_command,omitempty"`
	Confidence      float64 `json:"confidence"`
	Resamples       int     `json:"resamples"`
	Seed            uint64  `json:"seed"`

	// Samples are the raw samples the markdown report draws; nil for a
	// report read back from its JSON.
	Samples *Samples `json:"-"`
	// Trend is the default branch's recent history that the markdown
	// report draws, a chart per gated metric with the current side as the
	// last point; nil: no such chart (and none for a report read back
	// from its JSON).
	Trend *Trend `json:"-"`
}

// A Trend is the recent history of the default branch, one point per
// commit, oldest first (package history's entries, as the action reads
// them at a pull request's base commit).
type Trend struct {
	// Branch names the history's branch, e.g. "main"; Current labels
	// the current side's point, e.g. "PR #12".
	Branch, Current string
	Points          []TrendPoint
}

// A TrendPoint is one commit of a Trend.
type TrendPoint struct {
	Commit string
	// Values maps a metric key to the commit's per-run values.
	Values map[string][]float64
}

// SideInfo describes one side of a comparison.
type SideInfo struct {
	Path        string              `json:"path,omitempty"`
	Suite       string              `json:"suite"`
	Source      string              `json:"source,omitempty"`
	Runs        int                 `json:"runs"`
	Commit      string              `json:"commit,omitempty"`
	Ref         string              `json:"ref,omitempty"`
	CreatedAt   *time.Time          `json:"created_at,omitempty"`
	Environment results.Environment `json:"environment"`
}

// A MetricResult is the comparison of one metric.
type MetricResult struct {
	Key    string            `json:"key"`
	Label  string            `json:"label"`
	Unit   string            `json:"unit"`
	Better results.Direction `json:"better"`
	Gated  bool              `json:"gated"`
	// Baseline and Current are nil when the side lacks the metric.
	Baseline *SideValue `json:"baseline,omitempty"`
	Current  *SideValue `json:"current,omitempty"`
	// Change is nil without both sides (or with a zero baseline).
	Change *Change `json:"change,omitempty"`
	// Target is the absolute target (0: none); TargetMet is nil without one.
	Target    float64 `json:"target,omitempty"`
	TargetMet *bool   `json:"target_met,omitempty"`
	// AllowedPct is the allowed regression used for this comparison,
	// widened when a side had few runs; AllowedAbs the absolute one.
	AllowedPct float64 `json:"allowed_pct"`
	AllowedAbs float64 `json:"allowed_abs,omitempty"`
	Status     Status  `json:"status"`
	// Reason says why, in one sentence.
	Reason string `json:"reason,omitempty"`
}

// TargetOp is "<" for metrics where lower is better, "≥" otherwise.
func (m MetricResult) TargetOp() string {
	if m.Better == results.HigherIsBetter {
		return "≥"
	}
	return "<"
}

// A SideValue is a metric's value on one side.
type SideValue struct {
	Value float64 `json:"value"`
	// Runs is the number of runs with the metric; Samples the raw samples
	// pooled over them (0 when the input had none).
	Runs      int       `json:"runs"`
	Samples   int       `json:"samples"`
	RunValues []float64 `json:"run_values"`
	// RunLo and RunHi bound each run's value: the 95 % confidence interval
	// of a run's median (benchmath), or the value itself.
	RunLo []float64 `json:"run_lo,omitempty"`
	RunHi []float64 `json:"run_hi,omitempty"`
}

// A Change is the relative change of a metric, current/baseline − 1, with
// its confidence interval and significance.
type Change struct {
	Rel float64 `json:"rel"`
	// Lo and Hi bound the bootstrap confidence interval of Rel.
	Lo float64 `json:"lo"`
	Hi float64 `json:"hi"`
	// P is the two-sided p-value of "no change"; PAdj is Holm-adjusted
	// over the gated metrics (equal to P for metrics that do not gate).
	P    float64 `json:"p"`
	PAdj float64 `json:"p_adj"`
	// Test names how P was computed ("none" when NA is set).
	Test        string `json:"test"`
	Significant bool   `json:"significant"`
	// NA says why the change has no significance test, when the noise
	// cannot be measured: "one value per side" (one run a side and no
	// samples within it) or "zero-width interval" (the runs' values do not
	// vary). Lo and Hi are then Rel, P and PAdj 1, Significant false, and
	// the allowed regression alone decides.
	NA string `json:"na,omitempty"`
}

// A BenchmarkRow summarises one benchmark over the current runs.
type BenchmarkRow struct {
	Key         string             `json:"key"`
	Name        string             `json:"name"`
	Runs        int                `json:"runs"`
	Succeeded   int                `json:"succeeded"`
	Operations  int64              `json:"operations"`
	OpsPerSec   float64            `json:"ops_per_sec"`
	P50S        float64            `json:"p50_s,omitempty"`
	P95S        float64            `json:"p95_s,omitempty"`
	P99S        float64            `json:"p99_s,omitempty"`
	MaxS        float64            `json:"max_s,omitempty"`
	Samples     int                `json:"samples"`
	Failures    int                `json:"failures"`
	MemoryInUse float64            `json:"memory_in_use,omitempty"`
	Errors      []string           `json:"errors,omitempty"`
	Extra       map[string]float64 `json:"extra,omitempty"`
}
