// Adaptive repetition: when a comparison is inconclusive, take more runs
// within a stated budget before deciding.

package check

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/perfgate/perfgate/results"
)

// An Estimate is where one gated metric stands after the runs taken so
// far: the confidence interval of its relative change, oriented so that
// positive is worse (+0.12 is 12 % slower, bigger or fewer streams), and
// its allowed regression.
type Estimate struct {
	Key string
	// Lo and Hi bound the confidence interval of the change (0.10 = +10 %).
	Lo, Hi float64
	// Threshold is the allowed regression (0.15 = 15 %).
	Threshold float64
}

// An Outcome is what an Estimate says about its metric.
type Outcome string

// Outcomes of an Estimate.
const (
	// Clear: the whole interval is within the allowed regression.
	Clear Outcome = "clear"
	// Beyond: the whole interval is beyond the allowed regression.
	Beyond Outcome = "beyond"
	// Straddles: the interval contains the threshold; more runs may tell.
	Straddles Outcome = "straddles"
)

// Classify says where an estimate's interval lies with respect to its
// threshold. A regression is called only when the whole interval is
// beyond the threshold; an interval that ends exactly at it is clear.
func (e Estimate) Classify() Outcome {
	switch {
	case e.Lo > e.Threshold:
		return Beyond
	case e.Hi <= e.Threshold:
		return Clear
	}
	return Straddles
}

// Estimates turns a report's gated metrics into the estimates the
// adaptive stopping rule reads: the confidence interval of each change,
// oriented so that positive is worse, and its allowed regression.
// Metrics without a change (no baseline, or no samples) are left out.
func Estimates(rep *Report) []Estimate {
	var out []Estimate
	for _, m := range rep.Metrics {
		if !m.Gated || m.Change == nil {
			continue
		}
		e := Estimate{Key: m.Key, Lo: m.Change.Lo, Hi: m.Change.Hi, Threshold: m.AllowedPct / 100}
		if m.Better == results.HigherIsBetter {
			e.Lo, e.Hi = -m.Change.Hi, -m.Change.Lo
		}
		out = append(out, e)
	}
	return out
}

// A Budget bounds adaptive repetition.
type Budget struct {
	// MinRuns and MaxRuns bound the runs per side; the gate always takes
	// MinRuns and never more than MaxRuns.
	MinRuns, MaxRuns int
	// Step is how many runs per side one more round adds (at least 1).
	Step int
	// Time bounds the wall time of all runs, first and extra.
	Time time.Duration
}

// Progress is what has been spent so far.
type Progress struct {
	// Runs is the number of runs per side taken.
	Runs int
	// Elapsed is the wall time spent on them.
	Elapsed time.Duration
	// RunCost is the expected wall time of one more run per side (in A/B
	// mode one run of each side; in stored-baseline mode one run of the
	// current side). Callers estimate it from the runs so far, on the high
	// side (e.g. their slowest run).
	RunCost time.Duration
}

// A Decision says whether to take more runs, and why.
type Decision struct {
	// More is true when another round of Add runs per side should run.
	More bool
	Add  int
	// Outcomes classifies every estimate as it stands.
	Outcomes map[string]Outcome
	// Reason is a sentence for the report, e.g. "circuit_build_p95 straddles
	// its threshold: 2 more runs per side (budget 6 runs, 3m0s)".
	Reason string
}

// Straddling lists the metrics whose interval straddles its threshold,
// sorted.
func (d Decision) Straddling() []string {
	var s []string
	for k, o := range d.Outcomes {
		if o == Straddles {
			s = append(s, k)
		}
	}
	sort.Strings(s)
	return s
}

// Decide is the adaptive stopping rule. It asks for more runs only when
// the next round fits in the budget (runs and time), so a gate that
// follows it always stops within budget:
//
//   - fewer than MinRuns taken: more runs (up to MinRuns), if they fit;
//   - every metric's interval clear of or beyond its threshold: stop;
//   - some interval straddles its threshold: one more round of Step runs
//     per side, if Runs+Step ≤ MaxRuns and Elapsed+RoundCost ≤ Time;
//     otherwise stop, inconclusive (the gate then decides as without
//     adaptive repetition, and says the budget ran out).
func Decide(b Budget, p Progress, est []Estimate) Decision {
	step := max(b.Step, 1)
	d := Decision{Outcomes: make(map[string]Outcome, len(est))}
	var straddling []string
	for _, e := range est {
		o := e.Classify()
		d.Outcomes[e.Key] = o
		if o == Straddles {
			straddling = append(straddling, e.Key)
		}
	}
	sort.Strings(straddling)
	fits := func(add int) bool {
		return p.Runs+add <= b.MaxRuns && p.Elapsed+time.Duration(add)*p.RunCost <= b.Time
	}
	budget := fmt.Sprintf("budget %d runs per side, %v", b.MaxRuns, b.Time)
	switch {
	case p.Runs < b.MinRuns:
		add := b.MinRuns - p.Runs
		if fits(add) {
			d.More, d.Add = true, add
			d.Reason = fmt.Sprintf("%d of the minimum %d runs per side taken: %d more (%s)", p.Runs, b.MinRuns, add, budget)
		} else {
			d.Reason = fmt.Sprintf("only %d of the minimum %d runs per side fit in the %s", p.Runs, b.MinRuns, budget)
		}
	case len(straddling) == 0:
		d.Reason = fmt.Sprintf("decided after %d runs per side", p.Runs)
	case fits(step):
		d.More, d.Add = true, step
		d.Reason = fmt.Sprintf("%s straddles its threshold after %d runs per side: %d more (%s)",
			strings.Join(straddling, ", "), p.Runs, step, budget)
	default:
		d.Reason = fmt.Sprintf("%s still straddles its threshold after %d runs per side: %s exhausted, inconclusive",
			strings.Join(straddling, ", "), p.Runs, budget)
	}
	return d
}

// Adapt is the adaptive loop, the one the gate runs and quality's replay
// replays: take b.MinRuns runs per side and compare; then, while Decide
// asks for more (an interval straddles its threshold and the next round
// fits in b), take them and compare again. The cost of a round is
// estimated from the rounds so far (the slowest per run per side) on the
// clock now, which the caller injects (a replay moves it by the recorded
// runs' wall times). take takes n more runs per side; compare compares all
// runs taken so far.
//
// Adapt returns the last report and what repetition did (nil when
// b.MaxRuns ≤ b.MinRuns: repetition off). A failed take ends it with that
// error and the last report (nil if none).
func Adapt(ctx context.Context, b Budget, now func() time.Time, take func(ctx context.Context, n int) error,
	compare func() (*Report, error)) (*Report, *Repetition, error) {
	start := now()
	if err := take(ctx, b.MinRuns); err != nil {
		return nil, nil, err
	}
	runs := b.MinRuns
	cost := now().Sub(start) / time.Duration(runs)
	rep, err := compare()
	if err != nil || b.MaxRuns <= b.MinRuns {
		return rep, nil, err
	}
	rec := &Repetition{Planned: runs, MaxRuns: b.MaxRuns, BudgetS: b.Time.Seconds()}
	for round := 0; ; round++ {
		d := Decide(b, Progress{Runs: runs, Elapsed: now().Sub(start), RunCost: cost}, Estimates(rep))
		if round == 0 {
			rec.Inconclusive = d.Straddling()
		}
		if !d.More {
			rec.Undecided = d.Straddling()
			switch {
			case len(rec.Undecided) == 0:
				rec.Stopped = StoppedDecided
			case runs+max(b.Step, 1) > b.MaxRuns:
				rec.Stopped = StoppedMaxRuns
			default:
				rec.Stopped = StoppedBudget
			}
			break
		}
		t0 := now()
		if err := take(ctx, d.Add); err != nil {
			rec.Runs, rec.ElapsedS = runs, now().Sub(start).Seconds()
			return rep, rec, err
		}
		runs += d.Add
		cost = max(cost, now().Sub(t0)/time.Duration(d.Add))
		if rep, err = compare(); err != nil {
			return nil, rec, err
		}
	}
	rec.Runs, rec.ElapsedS = runs, now().Sub(start).Seconds()
	return rep, rec, nil
}
