package check

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		name string
		e    Estimate
		want Outcome
	}{
		{"clear", Estimate{Lo: -0.05, Hi: 0.10, Threshold: 0.15}, Clear},
		{"ends at threshold", Estimate{Lo: 0.0, Hi: 0.15, Threshold: 0.15}, Clear},
		{"improvement", Estimate{Lo: -0.40, Hi: -0.20, Threshold: 0.15}, Clear},
		{"beyond", Estimate{Lo: 0.16, Hi: 0.30, Threshold: 0.15}, Beyond},
		{"starts at threshold", Estimate{Lo: 0.15, Hi: 0.30, Threshold: 0.15}, Straddles},
		{"straddles", Estimate{Lo: 0.05, Hi: 0.25, Threshold: 0.15}, Straddles},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.e.Classify(); got != tc.want {
				t.Errorf("Classify(%+v) = %v, want %v", tc.e, got, tc.want)
			}
		})
	}
}

func TestDecide(t *testing.T) {
	b := Budget{MinRuns: 3, MaxRuns: 6, Step: 1, Time: 300 * time.Second}
	clear := Estimate{Key: "memory_steady_rss", Lo: -0.02, Hi: 0.03, Threshold: 0.10}
	beyond := Estimate{Key: "circuit_build_p95", Lo: 0.30, Hi: 0.50, Threshold: 0.15}
	straddle := Estimate{Key: "circuit_build_p95", Lo: 0.05, Hi: 0.25, Threshold: 0.15}
	for _, tc := range []struct {
		name     string
		b        Budget
		p        Progress
		est      []Estimate
		more     bool
		add      int
		inReason string
	}{
		{"below minimum", b, Progress{Runs: 1, Elapsed: 40 * time.Second, RunCost: 40 * time.Second}, []Estimate{clear}, true, 2, "minimum"},
		{"minimum does not fit", b, Progress{Runs: 1, Elapsed: 250 * time.Second, RunCost: 40 * time.Second}, []Estimate{clear}, false, 0, "fit"},
		{"all clear", b, Progress{Runs: 3, Elapsed: 120 * time.Second, RunCost: 40 * time.Second}, []Estimate{clear}, false, 0, "decided"},
		{"beyond", b, Progress{Runs: 3, Elapsed: 120 * time.Second, RunCost: 40 * time.Second}, []Estimate{clear, beyond}, false, 0, "decided"},
		{"straddles, budget left", b, Progress{Runs: 3, Elapsed: 120 * time.Second, RunCost: 40 * time.Second}, []Estimate{clear, straddle}, true, 1, "circuit_build_p95 straddles"},
		{"straddles, runs exhausted", b, Progress{Runs: 6, Elapsed: 240 * time.Second, RunCost: 40 * time.Second}, []Estimate{straddle}, false, 0, "inconclusive"},
		{"straddles, time exhausted", b, Progress{Runs: 4, Elapsed: 270 * time.Second, RunCost: 40 * time.Second}, []Estimate{straddle}, false, 0, "inconclusive"},
		{"step 2 overshoots max", Budget{MinRuns: 3, MaxRuns: 4, Step: 2, Time: time.Hour}, Progress{Runs: 3, RunCost: time.Second}, []Estimate{straddle}, false, 0, "inconclusive"},
		{"no estimates", b, Progress{Runs: 3}, nil, false, 0, "decided"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := Decide(tc.b, tc.p, tc.est)
			if d.More != tc.more || d.Add != tc.add {
				t.Errorf("Decide = more %v add %d, want more %v add %d (%s)", d.More, d.Add, tc.more, tc.add, d.Reason)
			}
			if !strings.Contains(d.Reason, tc.inReason) {
				t.Errorf("reason %q does not say %q", d.Reason, tc.inReason)
			}
			if len(d.Outcomes) != len(tc.est) {
				t.Errorf("outcomes %v for %d estimates", d.Outcomes, len(tc.est))
			}
		})
	}
}

// TestDecideAlwaysStopsWithinBudget follows the rule the way the gate does,
// with random intervals (often straddling) and random run times that stay
// below the cost estimate the caller gives, and checks that it always stops,
// never beyond MaxRuns, and never beyond the time budget.
func TestDecideAlwaysStopsWithinBudget(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 5000; trial++ {
		b := Budget{
			MinRuns: 1 + rng.IntN(4),
			Step:    rng.IntN(3),
			Time:    time.Duration(30+rng.IntN(600)) * time.Second,
		}
		b.MaxRuns = b.MinRuns + rng.IntN(6)
		perRun := time.Duration(5+rng.IntN(60)) * time.Second
		var p Progress
		rounds := 0
		for {
			p.RunCost = perRun
			est := []Estimate{{Key: "m", Lo: rng.Float64()*0.4 - 0.1, Threshold: 0.15}}
			est[0].Hi = est[0].Lo + rng.Float64()*0.3
			d := Decide(b, p, est)
			if !d.More {
				break
			}
			if d.Add <= 0 {
				t.Fatalf("trial %d: More with Add=%d", trial, d.Add)
			}
			// A round takes at most its estimated cost.
			cost := perRun * time.Duration(d.Add)
			p.Runs += d.Add
			p.Elapsed += time.Duration(rng.Int64N(int64(cost) + 1))
			if rounds++; rounds > 1000 {
				t.Fatalf("trial %d: did not stop after 1000 rounds", trial)
			}
		}
		if p.Runs > b.MaxRuns && p.Runs > 0 {
			t.Fatalf("trial %d: %d runs, budget %d", trial, p.Runs, b.MaxRuns)
		}
		if p.Elapsed > b.Time {
			t.Fatalf("trial %d: elapsed %v, budget %v", trial, p.Elapsed, b.Time)
		}
	}
}

func TestRepetitionString(t *testing.T) {
	for _, tc := range []struct {
		r    Repetition
		want string
	}{
		{Repetition{Planned: 3, Runs: 3, MaxRuns: 5, BudgetS: 300, Stopped: StoppedDecided},
			"not needed: decided after 3 runs per side (up to 5 runs per side within 5m0s)"},
		{Repetition{Planned: 3, Runs: 4, MaxRuns: 5, BudgetS: 300, ElapsedS: 250, Inconclusive: []string{"circuit_build_p95"}, Stopped: StoppedDecided},
			"4 runs per side instead of 3 (circuit_build_p95 was inconclusive); stopped: decided; 250s of runs"},
		{Repetition{Planned: 3, Runs: 3, MaxRuns: 5, BudgetS: 120, ElapsedS: 110, Inconclusive: []string{"a", "b"}, Undecided: []string{"a"}, Stopped: StoppedBudget},
			"no more runs than the 3 planned (a, b were inconclusive); stopped: time budget of 2m0s spent, a still inconclusive (decided as without repetition); 110s of runs"},
	} {
		if got := tc.r.String(); got != tc.want {
			t.Errorf("String() = %q\nwant        %q", got, tc.want)
		}
	}
	d := Decide(Budget{MinRuns: 1, MaxRuns: 2, Time: time.Hour}, Progress{Runs: 1},
		[]Estimate{{Key: "b", Lo: 0, Hi: 1, Threshold: 0.1}, {Key: "a", Lo: 0, Hi: 1, Threshold: 0.1}, {Key: "c", Hi: 0.05, Threshold: 0.1}})
	if got := strings.Join(d.Straddling(), ","); got != "a,b" {
		t.Errorf("Straddling() = %q, want a,b", got)
	}
}
