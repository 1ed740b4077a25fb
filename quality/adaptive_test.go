package quality

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/results"
)

// TestEvaluateAdaptive replays adaptive repetition on the fixture: every
// comparison stops within its budget, A/A raises no alarm, and a +50 %
// injection is caught.
func TestEvaluateAdaptive(t *testing.T) {
	r := loadNoise(t)
	all := []string{KindCircuit, KindMemory, KindStreams}
	inj := *r
	inj.Runs = synthetic(r.Runs, all, 0.5)
	inj.Settings.Extra = map[string]string{ExtraMode: ModeStored, ExtraInjection: "all+50%", ExtraKinds: strings.Join(all, ","), ExtraSize: "0.5"}
	pools := Pools(map[string]*results.Results{"aa.json": r, "inj.json": &inj})
	// Mechanics, not calibration: fixed allowances, the same for any
	// number of runs (the defaults widen with few runs).
	cfg := withThreshold(check.DefaultConfig(), Thresholds{P95: 15, RSS: 10, Capacity: 10})
	cfg.Resamples = 300
	budget := check.Budget{MinRuns: 1, MaxRuns: 4, Step: 1, Time: 130 * time.Second}
	cells, err := Evaluate(pools, EvalOptions{RunsPerSide: []int{3}, MaxPairs: 25, Config: &cfg, Adaptive: &budget})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range cells {
		if !c.Adaptive {
			continue
		}
		n++
		if c.Errors > 0 || c.Comparisons != 25 {
			t.Errorf("%s: %d comparisons, %d errors (%s)", c.Condition, c.Comparisons, c.Errors, c.FirstError)
		}
		if c.MeanRuns < 1 || c.MeanRuns > 3 { // 40 s a run: the 130 s budget holds 3
			t.Errorf("%s: mean runs %v outside the budget", c.Condition, c.MeanRuns)
		}
		if c.VerdictS > budget.Time.Seconds() {
			t.Errorf("%s: %v s per verdict, budget %v", c.Condition, c.VerdictS, budget.Time)
		}
		want := 0.0
		if !c.AA() {
			want = 1
		}
		if c.Rate() != want {
			t.Errorf("%s: alarm rate %v, want %v", c.Condition, c.Rate(), want)
		}
		t.Logf("%s: mean runs %.2f, %.0f s per verdict, %d stopped on the budget", c.Condition, c.MeanRuns, c.VerdictS, c.Exhausted)
	}
	if n != 2 {
		t.Errorf("%d adaptive lines, want 2", n)
	}
}

// TestAdaptiveReplayStopsWithinBudget drives the replay of adaptive
// repetition through check.Adapt, one loop a pair of the fixture's runs
// (40 s each, recorded): every loop takes at least its minimum, stops
// within its budget of runs and time, and reports the runs it took, which
// the line's mean counts.
func TestAdaptiveReplayStopsWithinBudget(t *testing.T) {
	r := loadNoise(t)
	aa := Pools(map[string]*results.Results{"aa.json": r})[0]
	cfg := withThreshold(check.DefaultConfig(), Thresholds{P95: 15, RSS: 10, Capacity: 10})
	cfg.Resamples = 300
	for _, tc := range []struct {
		name      string
		budget    check.Budget
		synthetic float64
		// more: some loop takes more than the minimum.
		more bool
	}{
		{"A/A 1 to 4 runs in 130 s", check.Budget{MinRuns: 1, MaxRuns: 4, Step: 1, Time: 130 * time.Second}, 0, true},
		{"A/A 2 to 5 runs in 4 min", check.Budget{MinRuns: 2, MaxRuns: 5, Step: 1, Time: 4 * time.Minute}, 0, false},
		{"+10 % 1 to 5 runs in 100 s", check.Budget{MinRuns: 1, MaxRuns: 5, Step: 1, Time: 100 * time.Second}, 0.1, true},
		{"+10 % 2 to 5 runs in 10 min", check.Budget{MinRuns: 2, MaxRuns: 5, Step: 1, Time: 10 * time.Minute}, 0.1, true},
		{"no repetition", check.Budget{MinRuns: 2, MaxRuns: 2, Step: 1, Time: time.Minute}, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.budget
			pairs, _ := adaptivePairs(aa.Runs, nil, 3, b.MaxRuns, 12, rand.New(rand.NewPCG(1, 3)))
			if tc.synthetic > 0 {
				for i := range pairs {
					pairs[i].cur = synthetic(pairs[i].cur, []string{KindCircuit, KindMemory, KindStreams}, tc.synthetic)
				}
			}
			total, more := 0, 0
			for _, pr := range pairs {
				a, err := adaptOne(aa, pr, cfg, b)
				if err != nil || a.report == nil {
					t.Fatalf("adaptOne: %v (report %v)", err, a.report)
				}
				if a.runs < b.MinRuns || a.runs > b.MaxRuns {
					t.Errorf("took %d runs, budget %d to %d", a.runs, b.MinRuns, b.MaxRuns)
				}
				if want := time.Duration(a.runs) * 40 * time.Second; a.elapsed != want {
					t.Errorf("%d runs took %v on the replay's clock, want %v (their recorded wall times)", a.runs, a.elapsed, want)
				}
				if a.runs > b.MinRuns && a.elapsed > b.Time {
					t.Errorf("took %d runs in %v: beyond the %v budget", a.runs, a.elapsed, b.Time)
				}
				if b.MaxRuns == b.MinRuns {
					if a.rec != nil {
						t.Errorf("repetition off, but a record %+v", a.rec)
					}
				} else if a.rec == nil || a.rec.Runs != a.runs || a.rec.Planned != b.MinRuns ||
					a.exhausted != (len(a.rec.Undecided) > 0) {
					t.Errorf("record %+v for %d runs (exhausted %v)", a.rec, a.runs, a.exhausted)
				}
				total += a.runs
				if a.runs > b.MinRuns {
					more++
				}
			}
			c := replayAdaptive(aa, "A/A", nil, 0, 3, Thresholds{}, pairs, len(pairs), cfg, b)
			if c.Comparisons != len(pairs) || c.MeanRuns != float64(total)/float64(len(pairs)) {
				t.Errorf("line: %d comparisons, mean runs %v; the loops took %d runs in %d pairs", c.Comparisons, c.MeanRuns, total, len(pairs))
			}
			if (more > 0) != tc.more {
				t.Errorf("%d of %d loops took more than the minimum", more, len(pairs))
			}
			t.Logf("%d of %d loops took more than the minimum; mean %.2f runs", more, len(pairs), c.MeanRuns)
		})
	}
}
