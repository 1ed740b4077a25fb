package check

import (
	"fmt"
	"strings"
	"time"
)

// SchemaVerdictV1 is the schema field of a JSON verdict (WriteJSON).
const SchemaVerdictV1 = "perfgate/verdict/v1"

// A Verdict is the overall outcome of a comparison.
type Verdict string

// The three verdicts and their exit codes: 0, 1, 2.
const (
	VerdictPass       Verdict = "pass"
	VerdictRegression Verdict = "regression"
	VerdictError      Verdict = "error"
)

// ExitCode is the process exit code for the verdict.
func (v Verdict) ExitCode() int {
	switch v {
	case VerdictPass:
		return 0
	case VerdictRegression:
		return 1
	}
	return 2
}

// A Status is the outcome for one metric.
type Status string

// The statuses of a metric.
const (
	StatusPass         Status = "pass"
	StatusImproved     Status = "improved"
	StatusRegressed    Status = "regressed"
	StatusTargetMissed Status = "target_missed"
	StatusNoBaseline   Status = "no_baseline"
	StatusError        Status = "error"
)

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
	// EnvironmentDiff lists how the baseline's environment differs.
	EnvironmentDiff []string `json:"environment_diff,omitempty"`
	// Notes are shown at the top of every rendering.
	Notes []string `json:"notes,omitempty"`
	// Warnings are statistical caveats and values left out; not failures.
	Warnings []string `json:"warnings,omitempty"`
	// BaselineCommand is the command that creates the missing baseline.
	BaselineCommand string  `json:"baseline_command,omitempty"`
	Confidence      float64 `json:"confidence"`
	Resamples       int     `json:"resamples"`
	Seed            uint64  `json:"seed"`

	// charts holds the samples the markdown report draws; nil for a
	// report read back from its JSON.
	charts *chartData
}

// SideInfo describes one side of a comparison.
type SideInfo struct {
	Path        string      `json:"path,omitempty"`
	Suite       string      `json:"suite"`
	Source      string      `json:"source,omitempty"`
	Runs        int         `json:"runs"`
	Commit      string      `json:"commit,omitempty"`
	Ref         string      `json:"ref,omitempty"`
	CreatedAt   *time.Time  `json:"created_at,omitempty"`
	Environment Environment `json:"environment"`
}

// A MetricResult is the comparison of one metric.
type MetricResult struct {
	Key    string    `json:"key"`
	Label  string    `json:"label"`
	Unit   string    `json:"unit"`
	Better Direction `json:"better"`
	Gated  bool      `json:"gated"`
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
	if m.Better == HigherIsBetter {
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
	// Test names how P was computed.
	Test        string `json:"test"`
	Significant bool   `json:"significant"`
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

// Regressed reports whether the verdict is a regression (a gated metric
// regressed or missed its target).
func (r *Report) Regressed() bool { return r.Verdict == VerdictRegression }

// Headline is one line (at most 140 characters) for a commit status: the
// failing metrics, or the verdict and the gated changes.
func (r *Report) Headline() string {
	var parts []string
	for _, m := range r.Metrics {
		if !m.Gated {
			continue
		}
		switch {
		case r.Verdict == VerdictPass:
			parts = append(parts, shortChange(m))
		case m.Status == StatusRegressed || m.Status == StatusTargetMissed || m.Status == StatusError:
			parts = append(parts, fmt.Sprintf("%s (%s)", shortChange(m), statusWord(m.Status)))
		}
	}
	h := string(r.Verdict)
	if len(parts) > 0 {
		h += ": " + strings.Join(parts, ", ")
	}
	return truncate(h, 140)
}

func shortChange(m MetricResult) string {
	name := m.Label
	switch {
	case m.Change != nil:
		return fmt.Sprintf("%s %s", name, fmtPct(m.Change.Rel))
	case m.Current != nil:
		return fmt.Sprintf("%s %s", name, FormatValue(m.Current.Value, m.Unit))
	}
	return name + " missing"
}

func statusWord(s Status) string { return strings.ReplaceAll(string(s), "_", " ") }

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// SetPaths records the files the sides came from, and the command that
// creates the baseline when there was none.
func (r *Report) SetPaths(baselinePath, resultsPath string) {
	r.Current.Path = resultsPath
	if r.Baseline != nil {
		r.Baseline.Path = baselinePath
		r.BaselineCommand = ""
		return
	}
	out := baselinePath
	if out == "" {
		out = "baselines/default.json"
	}
	r.BaselineCommand = fmt.Sprintf("perfgate baseline --results %s --out %s", shellQuote(resultsPath), shellQuote(out))
}

func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(c rune) bool {
		return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_./+=:,@", c))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
