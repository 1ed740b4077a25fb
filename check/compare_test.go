package check

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/perfgate/perfgate/internal/fixture"
	"github.com/perfgate/perfgate/results"
)

// mutate returns a deep-enough copy of r changed by f.
func TestCompareVerdicts(t *testing.T) {
	base := fixture.Results(t, 1, 1, 2, 3)
	cur := fixture.Results(t, 1, 4, 5, 6)
	gateOff := DefaultConfig()
	mc := gateOff.Metrics[results.MetricCircuitBuildP95]
	mc.Gate = false
	gateOff.Metrics[results.MetricCircuitBuildP95] = mc
	absAllow := DefaultConfig()
	mc = absAllow.Metrics[results.MetricCircuitBuildP95]
	mc.AllowedRegressionAbs = 1 // a whole second
	absAllow.Metrics[results.MetricCircuitBuildP95] = mc

	tests := []struct {
		name     string
		base     *results.Results
		cur      *results.Results
		cfg      Config
		verdict  Verdict
		metric   string
		status   Status
		contains string // in the reason or warnings
	}{
		{"same input passes", base, base, DefaultConfig(), VerdictPass, results.MetricCircuitBuildP95, StatusPass, "within the allowed 10 %"},
		{"A/A of other networks passes", base, cur, DefaultConfig(), VerdictPass, results.MetricCircuitBuildP95, StatusPass, ""},
		{"150 % slower circuits regress", base, fixture.Mutate(cur, fixture.ScaleLatency(2.5)), DefaultConfig(), VerdictRegression, results.MetricCircuitBuildP95, StatusRegressed, "beyond the allowed 10 %"},
		{"90 % faster circuits improve", base, fixture.Mutate(cur, fixture.ScaleLatency(0.1)), DefaultConfig(), VerdictPass, results.MetricCircuitBuildP95, StatusImproved, "better"},
		{"circuits over 5 s miss the target", nil, fixture.Mutate(cur, fixture.ScaleLatency(100)), DefaultConfig(), VerdictRegression, results.MetricCircuitBuildP95, StatusTargetMissed, "misses the target < 5 s"},
		{"no baseline checks targets", nil, cur, DefaultConfig(), VerdictPass, results.MetricCircuitBuildP95, StatusNoBaseline, "meets its target"},
		{"RSS 25 % higher regresses", base, fixture.Mutate(cur, func(r *results.Results) {
			fixture.EachBench(r, results.BenchMemoryUsage, func(b *results.Benchmark) {
				for i := range b.Memory {
					b.Memory[i].RSS = b.Memory[i].RSS * 5 / 4
				}
			})
		}), DefaultConfig(), VerdictRegression, results.MetricMemorySteadyRSS, StatusRegressed, ""},
		{"RSS over 50 MiB misses the target", base, fixture.Mutate(cur, func(r *results.Results) {
			fixture.EachBench(r, results.BenchMemoryUsage, func(b *results.Benchmark) {
				for i := range b.Memory {
					b.Memory[i].RSS = 60 * results.MiB
				}
			})
		}), DefaultConfig(), VerdictRegression, results.MetricMemorySteadyRSS, StatusTargetMissed, "50 MiB"},
		{"capacity halved regresses", base, fixture.Mutate(cur, func(r *results.Results) {
			fixture.EachBench(r, results.BenchStreamScaling, func(b *results.Benchmark) {
				// A client that serves at most 400 streams at once.
				for i := range b.Levels {
					if l := &b.Levels[i]; l.Streams > 400 {
						l.OK, l.Failed, l.Pass = 400, l.Streams-400, false
					}
				}
			})
		}), DefaultConfig(), VerdictRegression, results.MetricStreamCapacity, StatusRegressed, ""},
		{"capacity under 100 misses the target", nil, fixture.Mutate(cur, func(r *results.Results) {
			fixture.EachBench(r, results.BenchStreamScaling, func(b *results.Benchmark) {
				// Half the streams of the first level (10) fail.
				l := &b.Levels[0]
				l.OK, l.Failed, l.Pass = l.Streams/2, l.Streams-l.Streams/2, false
			})
		}), DefaultConfig(), VerdictRegression, results.MetricStreamCapacity, StatusTargetMissed, "≥ 100"},
		{"a metric that does not gate cannot fail", base, fixture.Mutate(cur, fixture.ScaleLatency(2.5)), gateOff, VerdictPass, results.MetricCircuitBuildP95, StatusRegressed, ""},
		{"an absolute allowance must be exceeded too", base, fixture.Mutate(cur, fixture.ScaleLatency(2.5)), absAllow, VerdictPass, results.MetricCircuitBuildP95, StatusPass, ""},
		{"a gated metric missing is an error", base, fixture.Mutate(cur, func(r *results.Results) {
			for i := range r.Runs {
				r.Runs[i].Benchmarks = r.Runs[i].Benchmarks[:1]
			}
		}), DefaultConfig(), VerdictError, results.MetricMemorySteadyRSS, StatusError, "missing from the current results"},
		{"a failed run is an error", base, fixture.Mutate(cur, func(r *results.Results) { r.Runs[1].Error = "network did not start" }), DefaultConfig(), VerdictError, results.MetricCircuitBuildP95, StatusPass, "network did not start"},
		{"a failed gated benchmark is an error", base, fixture.Mutate(cur, func(r *results.Results) {
			fixture.EachBench(r, results.BenchCircuitBuild, func(b *results.Benchmark) { b.Error = "client died" })
		}), DefaultConfig(), VerdictError, results.MetricCircuitBuildP95, StatusPass, "client died"},
		{"one run per side is weak", fixture.Results(t, 1, 1), fixture.Results(t, 1, 2), DefaultConfig(), VerdictPass, results.MetricCircuitBuildP95, StatusPass, "Weak comparison"},
		{"another environment is flagged", base, fixture.Mutate(cur, func(r *results.Results) { r.Environment.CPUModel = "Other CPU" }), DefaultConfig(), VerdictPass, results.MetricCircuitBuildP95, StatusPass, ""},
		{"a NaN outside the gate is left out", base, fixture.Mutate(cur, func(r *results.Results) {
			r.Runs[0].Benchmarks = append(r.Runs[0].Benchmarks, results.Benchmark{Key: results.BenchCircuitBuildPool, LatenciesS: []float64{0.1, math.NaN()}})
		}), DefaultConfig(), VerdictPass, results.MetricCircuitBuildP95, StatusPass, "circuit_build_pool_p95 left out"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := Compare(tc.base, tc.cur, tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Verdict != tc.verdict {
				t.Errorf("verdict %s, want %s (%s)", rep.Verdict, tc.verdict, rep.Headline())
			}
			if rep.Verdict.ExitCode() != map[Verdict]int{VerdictPass: 0, VerdictRegression: 1, VerdictError: 2}[tc.verdict] {
				t.Errorf("exit code %d", rep.Verdict.ExitCode())
			}
			m := metricOf(t, rep, tc.metric)
			if m.Status != tc.status {
				t.Errorf("%s: status %s, want %s (%s)", tc.metric, m.Status, tc.status, m.Reason)
			}
			all := m.Reason + "\n" + strings.Join(rep.Warnings, "\n") + "\n" + strings.Join(rep.Notes, "\n")
			if !strings.Contains(all, tc.contains) {
				t.Errorf("want %q in reason/warnings, got:\n%s", tc.contains, all)
			}
			if rep.Regressed() != (tc.verdict == VerdictRegression) {
				t.Errorf("Regressed() = %v", rep.Regressed())
			}
			if h := rep.Headline(); len([]rune(h)) > 140 || !strings.HasPrefix(h, string(tc.verdict)) {
				t.Errorf("headline %q", h)
			}
		})
	}
	t.Run("environment differences are listed", func(t *testing.T) {
		rep, _ := Compare(base, fixture.Mutate(cur, func(r *results.Results) { r.Environment.CPUModel = "Other CPU"; r.Environment.TorVersion = "0.4.8.1" }), DefaultConfig())
		if got := strings.Join(rep.EnvironmentDiff, "; "); !strings.Contains(got, "CPU Test CPU → Other CPU") || !strings.Contains(got, "tor 0.4.9.11 → 0.4.8.1") {
			t.Errorf("environment diff %q", got)
		}
	})
	t.Run("the same inputs give the same report", func(t *testing.T) {
		a, _ := Compare(base, cur, DefaultConfig())
		b, _ := Compare(base, cur, DefaultConfig())
		for i := range a.Metrics {
			if *a.Metrics[i].Change != *b.Metrics[i].Change {
				t.Errorf("%s: %+v != %+v", a.Metrics[i].Key, *a.Metrics[i].Change, *b.Metrics[i].Change)
			}
		}
	})
}

func TestCompareInputErrors(t *testing.T) {
	base := fixture.Results(t, 1, 1, 2, 3)
	cur := fixture.Results(t, 1, 4, 5, 6)
	tests := []struct {
		name      string
		base, cur *results.Results
		side      string
		contains  string
	}{
		{"another suite", fixture.Mutate(base, func(r *results.Results) { r.Suite = "go-tor" }), cur, "baseline", "suite"},
		{"NaN latency", base, fixture.Mutate(cur, func(r *results.Results) { r.Runs[0].Benchmarks[0].LatenciesS[3] = math.NaN() }), "current", "sample 4 is NaN"},
		{"negative latency", base, fixture.Mutate(cur, func(r *results.Results) { r.Runs[0].Benchmarks[0].LatenciesS[0] = -1 }), "current", "sample 1 is -1"},
		{"absurd RSS in the baseline", fixture.Mutate(base, func(r *results.Results) { r.Runs[2].Benchmarks[1].Memory[0].RSS = math.MaxUint64 }), cur, "baseline", "not a plausible value in bytes"},
		{"no runs", base, fixture.Mutate(cur, func(r *results.Results) { r.Runs = nil }), "current", "no runs"},
		{"unknown schema", base, fixture.Mutate(cur, func(r *results.Results) { r.Schema = "perfgate/results/v9" }), "current", "unknown schema"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compare(tc.base, tc.cur, DefaultConfig())
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v, want an InputError", err)
			}
			if ie.Side != tc.side || !strings.Contains(err.Error(), tc.contains) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q (side %s), want side %s and %q on one line", err, ie.Side, tc.side, tc.contains)
			}
		})
	}
}

func TestHolm(t *testing.T) {
	ms := []MetricResult{
		{Key: "a", Gated: true, Change: &Change{P: 0.01}},
		{Key: "b", Gated: true, Change: &Change{P: 0.04}},
		{Key: "c", Gated: true, Change: &Change{P: 0.03}},
		{Key: "d", Gated: false, Change: &Change{P: 0.02}},
		{Key: "e", Gated: true},
	}
	holm(ms, 0.05)
	want := map[string]float64{"a": 0.03, "c": 0.06, "b": 0.06, "d": 0.02}
	for _, m := range ms {
		if m.Change == nil {
			continue
		}
		if math.Abs(m.Change.PAdj-want[m.Key]) > 1e-12 {
			t.Errorf("%s: adjusted p %g, want %g", m.Key, m.Change.PAdj, want[m.Key])
		}
		if m.Change.Significant != (want[m.Key] < 0.05) {
			t.Errorf("%s: significant %v", m.Key, m.Change.Significant)
		}
	}
}

func TestQuantile(t *testing.T) {
	s := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	for _, tc := range []struct{ q, want float64 }{{0, 1}, {0.5, 5.5}, {0.95, 9.55}, {1, 10}, {0.25, 3.25}} {
		t.Run("", func(t *testing.T) {
			if got := results.Quantile(s, tc.q); math.Abs(got-tc.want) > 1e-12 {
				t.Errorf("Quantile(%g) = %g, want %g", tc.q, got, tc.want)
			}
		})
	}
	if !math.IsNaN(results.Quantile(nil, 0.5)) {
		t.Error("Quantile of nothing is not NaN")
	}
}

func TestRankTestFromFiveRuns(t *testing.T) {
	for _, tc := range []struct {
		name   string
		scale  float64
		status Status
	}{{"A/A", 1, StatusPass}, {"+60 %", 1.6, StatusRegressed}} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Test = TestRank
			rep, err := Compare(fixture.Results(t, 1, 1, 2, 3, 4, 5), fixture.Results(t, tc.scale, 4, 5, 6, 7, 8), cfg)
			if err != nil {
				t.Fatal(err)
			}
			m := metricOf(t, rep, results.MetricCircuitBuildP95)
			if m.Change.Test != "Mann–Whitney U over runs" || m.Status != tc.status {
				t.Errorf("test %q, status %s (%s)", m.Change.Test, m.Status, m.Reason)
			}
		})
	}
}

// TestReportErr: the verdict as the error that gives the exit code.
func TestReportErr(t *testing.T) {
	base := fixture.Results(t, 1, 1, 2, 3)
	for _, tc := range []struct {
		name    string
		cur     *results.Results
		wantNil bool
		wantReg bool
	}{
		{"pass", fixture.Results(t, 1, 4, 5, 6), true, false},
		{"regression", fixture.Mutate(fixture.Results(t, 1, 4, 5, 6), fixture.ScaleLatency(2.5)), false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := Compare(base, tc.cur, DefaultConfig())
			if err != nil {
				t.Fatal(err)
			}
			err = rep.Err()
			if (err == nil) != tc.wantNil || errors.Is(err, ErrRegression) != tc.wantReg {
				t.Errorf("Err() = %v for verdict %s", err, rep.Verdict)
			}
		})
	}
}
