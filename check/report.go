package check

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/perfgate/perfgate/internal/short"
	"github.com/perfgate/perfgate/results"
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

// Why adaptive repetition stopped (Repetition.Stopped).
const (
	// StoppedDecided: every gated metric's interval was clear of or
	// beyond its threshold.
	StoppedDecided = "decided"
	// StoppedMaxRuns: an interval still straddled its threshold, and one
	// more round would pass the maximum number of runs.
	StoppedMaxRuns = "max_runs"
	// StoppedBudget: an interval still straddled its threshold, and one
	// more round would not fit in the time budget.
	StoppedBudget = "time_budget"
)

// Repetition is what adaptive repetition (Decide) did for a report: how
// many runs per side it planned and took, which gated metrics were
// inconclusive, and why it stopped.
type Repetition struct {
	// Planned is the runs per side taken before any repetition; Runs the
	// runs per side in the report.
	Planned int `json:"planned_runs"`
	Runs    int `json:"runs"`
	// MaxRuns and BudgetS are the budget: runs per side and wall seconds
	// for all runs.
	MaxRuns int     `json:"max_runs"`
	BudgetS float64 `json:"budget_s"`
	// ElapsedS is the wall time all runs took.
	ElapsedS float64 `json:"elapsed_s"`
	// Inconclusive are the gated metrics whose confidence interval
	// straddled their threshold after the planned runs.
	Inconclusive []string `json:"inconclusive,omitempty"`
	// Undecided are the gated metrics still straddling when it stopped.
	Undecided []string `json:"undecided,omitempty"`
	// Stopped is StoppedDecided, StoppedMaxRuns or StoppedBudget.
	Stopped string `json:"stopped"`
}

// String is the repetition in one line, e.g. "5 runs per side instead of
// 3 (circuit_build_p95 was inconclusive); stopped: decided".
func (r *Repetition) String() string {
	budget := fmt.Sprintf("up to %d runs per side within %v", r.MaxRuns, time.Duration(r.BudgetS*float64(time.Second)).Round(time.Second))
	if r.Runs <= r.Planned && len(r.Inconclusive) == 0 {
		return fmt.Sprintf("not needed: decided after %d runs per side (%s)", r.Planned, budget)
	}
	var b strings.Builder
	if r.Runs > r.Planned {
		fmt.Fprintf(&b, "%d runs per side instead of %d", r.Runs, r.Planned)
	} else {
		fmt.Fprintf(&b, "no more runs than the %d planned", r.Planned)
	}
	if len(r.Inconclusive) > 0 {
		fmt.Fprintf(&b, " (%s %s inconclusive)", strings.Join(r.Inconclusive, ", "), map[bool]string{true: "was", false: "were"}[len(r.Inconclusive) == 1])
	}
	b.WriteString("; stopped: ")
	switch r.Stopped {
	case StoppedDecided:
		b.WriteString("decided")
	case StoppedMaxRuns:
		fmt.Fprintf(&b, "%d runs per side reached", r.MaxRuns)
	case StoppedBudget:
		fmt.Fprintf(&b, "time budget of %v spent", time.Duration(r.BudgetS*float64(time.Second)).Round(time.Second))
	default:
		b.WriteString(r.Stopped)
	}
	if len(r.Undecided) > 0 {
		fmt.Fprintf(&b, ", %s still inconclusive (decided as without repetition)", strings.Join(r.Undecided, ", "))
	}
	fmt.Fprintf(&b, "; %.0fs of runs", r.ElapsedS)
	return b.String()
}

// StoredComparison describes a comparison with a stored baseline for
// Report.Comparison, from the report's sides: e.g. "stored baseline
// baselines/default.json (3 runs, recorded 2026-11-25, commit 1a2b3c4)",
// or "no baseline: absolute targets only".
func StoredComparison(r *Report) string {
	if r.Baseline == nil {
		return "no baseline: absolute targets only"
	}
	bl := r.Baseline
	var parts []string
	parts = append(parts, fmt.Sprintf("%d run%s", bl.Runs, map[bool]string{true: "", false: "s"}[bl.Runs == 1]))
	if bl.CreatedAt != nil && !bl.CreatedAt.IsZero() {
		parts = append(parts, "recorded "+bl.CreatedAt.UTC().Format("2006-01-02"))
	}
	if bl.Commit != "" {
		parts = append(parts, "commit "+short.Cut(bl.Commit, 12))
	}
	if bl.Environment.CPUModel != "" {
		parts = append(parts, "on "+bl.Environment.CPUModel)
	}
	path := bl.Path
	if path == "" {
		path = "(unnamed)"
	}
	return fmt.Sprintf("stored baseline %s (%s)", path, strings.Join(parts, ", "))
}

// Err is the verdict as an error: nil for a pass, check.ErrRegression
// (wrapped, with what regressed) for a regression, and for an error the
// first gated metric's reason (or the headline).
func (r *Report) Err() error {
	switch r.Verdict {
	case VerdictPass:
		return nil
	case VerdictRegression:
		return fmt.Errorf("%w: %s", ErrRegression, strings.TrimPrefix(r.Headline(), "regression: "))
	}
	reason := r.Headline()
	for _, m := range r.Metrics {
		if m.Gated && m.Status == StatusError {
			reason = m.Key + " " + m.Reason
			break
		}
	}
	return errors.New(reason)
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
			parts = append(parts, fmt.Sprintf("%s (%s)", shortChange(m), m.Status.Words()))
		}
	}
	h := string(r.Verdict)
	if len(parts) > 0 {
		h += ": " + strings.Join(parts, ", ")
	}
	return short.Cut(h, 140)
}

func shortChange(m MetricResult) string {
	name := m.Label
	switch {
	case m.Change != nil:
		return fmt.Sprintf("%s %s", name, FormatPct(m.Change.Rel))
	case m.Current != nil:
		return fmt.Sprintf("%s %s", name, FormatValue(m.Current.Value, m.Unit))
	}
	return name + " missing"
}

// Words is the status in words: "target missed" for target_missed.
func (s Status) Words() string { return strings.ReplaceAll(string(s), "_", " ") }

// SetStored names the files of a comparison with a stored baseline
// (SetPaths) and sets the comparison line that describes that baseline
// (StoredComparison).
func (r *Report) SetStored(baselinePath, resultsPath string) {
	r.SetPaths(baselinePath, resultsPath)
	r.Comparison = StoredComparison(r)
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
