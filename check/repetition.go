package check

import (
	"fmt"
	"strings"
	"time"
)

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
