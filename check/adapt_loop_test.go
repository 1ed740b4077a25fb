package check_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/results"
)

// fakeClock is a clock a test moves.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

// scaled returns run r with its circuit latencies multiplied by f.
func scaled(r results.Run, f float64) results.Run {
	r.Benchmarks = append([]results.Benchmark(nil), r.Benchmarks...)
	for i, b := range r.Benchmarks {
		if len(b.LatenciesS) == 0 {
			continue
		}
		l := make([]float64, len(b.LatenciesS))
		for j, x := range b.LatenciesS {
			l[j] = x * f
		}
		r.Benchmarks[i].LatenciesS = l
	}
	return r
}

// TestAdaptStopsWithinBudget runs the adaptive loop of 'perfgate run' with
// real check.Compare on real runs (quality/testdata/loopback-noise.json,
// 8 fresh private networks): the baseline is 3 of them, the "one more run"
// step serves the others (some made slower) and moves an injected clock by
// each run's wall time. Whatever the budget, the loop stops within it, the
// report holds the runs it says it took, and it says why it stopped.
func TestAdaptStopsWithinBudget(t *testing.T) {
	noise, err := results.Load("../quality/testdata/loopback-noise.json", "")
	if err != nil {
		t.Fatal(err)
	}
	cfg := check.DefaultConfig()
	cfg.Resamples = 400
	// The cases straddle a 15 % allowance on circuit p95 (the loop's
	// mechanics do not depend on the defaults' values).
	mc := cfg.Metrics[results.MetricCircuitBuildP95]
	mc.AllowedRegressionPct, mc.AllowedRegressionPctFewRuns = 15, map[int]float64{1: 35, 2: 20}
	cfg.Metrics[results.MetricCircuitBuildP95] = mc
	base := *noise
	base.Runs = noise.Runs[:3]
	extra := 0
	for _, tc := range []struct {
		slower  float64
		minRuns int
		maxRuns int
		budget  time.Duration
		perRun  time.Duration
	}{
		{1, 1, 5, 5 * time.Minute, 40 * time.Second},
		{1.25, 1, 5, 5 * time.Minute, 40 * time.Second},
		{1.25, 1, 5, 100 * time.Second, 40 * time.Second},
		{1.18, 1, 5, 5 * time.Minute, 40 * time.Second},
		{1.18, 2, 4, 10 * time.Minute, 70 * time.Second},
		{1.5, 3, 5, 5 * time.Minute, 40 * time.Second},
		{1.1, 1, 1, time.Minute, 40 * time.Second},
		{1.18, 1, 5, 30 * time.Second, 40 * time.Second},
	} {
		name := fmt.Sprintf("x%.2f/%d-%d/%v", tc.slower, tc.minRuns, tc.maxRuns, tc.budget)
		t.Run(name, func(t *testing.T) {
			clock := &fakeClock{t: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
			start := clock.now()
			head := base
			head.Runs = nil
			take := func(_ context.Context, n int) error {
				for i := 0; i < n; i++ {
					r := noise.Runs[3+len(head.Runs)%5]
					r.Index = len(head.Runs)
					head.Runs = append(head.Runs, scaled(r, tc.slower))
					clock.t = clock.t.Add(tc.perRun)
				}
				return nil
			}
			b := check.Budget{MinRuns: tc.minRuns, MaxRuns: tc.maxRuns, Step: 1, Time: tc.budget}
			rep, rec, err := check.Adapt(context.Background(), b, clock.now, take, func() (*check.Report, error) {
				h := head
				return check.Compare(&base, &h, cfg)
			})
			if err != nil {
				t.Fatal(err)
			}
			took := clock.now().Sub(start)
			if tc.maxRuns <= tc.minRuns {
				if rec != nil || len(head.Runs) != tc.minRuns {
					t.Errorf("repetition off: rec %+v, %d runs", rec, len(head.Runs))
				}
				return
			}
			t.Logf("%s; verdict %s", rec, rep.Verdict)
			if rec.Runs != len(head.Runs) || rep.Current.Runs != rec.Runs || rec.Planned != tc.minRuns {
				t.Errorf("rec says %d runs (planned %d), took %d, report has %d", rec.Runs, rec.Planned, len(head.Runs), rep.Current.Runs)
			}
			if rec.Runs > tc.maxRuns {
				t.Errorf("%d runs, max %d", rec.Runs, tc.maxRuns)
			}
			// The planned runs are always taken; extra ones only within the budget.
			if rec.Runs > tc.minRuns && took > tc.budget {
				t.Errorf("runs took %v, budget %v", took, tc.budget)
			}
			if rec.Runs > rec.Planned {
				extra++
				if len(rec.Inconclusive) == 0 {
					t.Errorf("extra runs without an inconclusive metric: %+v", rec)
				}
			}
			switch rec.Stopped {
			case check.StoppedDecided:
				if len(rec.Undecided) != 0 {
					t.Errorf("decided with %v undecided", rec.Undecided)
				}
			case check.StoppedMaxRuns:
				if rec.Runs+1 <= tc.maxRuns {
					t.Errorf("stopped for max runs at %d of %d", rec.Runs, tc.maxRuns)
				}
			case check.StoppedBudget:
				if took+tc.perRun <= tc.budget {
					t.Errorf("stopped for the budget after %v of %v with runs of %v", took, tc.budget, tc.perRun)
				}
			default:
				t.Errorf("stopped %q", rec.Stopped)
			}
		})
	}
	if extra == 0 {
		t.Error("no case took an extra run: the test does not exercise repetition")
	}
}

// TestAdaptFailedRun: a run that fails in an extra round ends the loop
// with its error and the last report.
func TestAdaptFailedRun(t *testing.T) {
	clock := &fakeClock{t: time.Unix(0, 0)}
	boom := errors.New("run 2 of 2: client died")
	calls := 0
	take := func(context.Context, int) error {
		calls++
		clock.t = clock.t.Add(time.Second)
		if calls == 2 {
			return boom
		}
		return nil
	}
	straddling := &check.Report{Metrics: []check.MetricResult{{Key: results.MetricCircuitBuildP95, Gated: true,
		Change: &check.Change{Lo: 0, Hi: 0.4}, AllowedPct: 15}}}
	rep, rec, err := check.Adapt(context.Background(), check.Budget{MinRuns: 1, MaxRuns: 3, Step: 1, Time: time.Hour},
		clock.now, take, func() (*check.Report, error) { return straddling, nil })
	if !errors.Is(err, boom) || rep != straddling || rec == nil || rec.Runs != 1 {
		t.Errorf("adapt = %v, %+v, %v", rep, rec, err)
	}
}
