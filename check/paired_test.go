package check_test

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/internal/fixture"
	"github.com/perfgate/perfgate/report"
	"github.com/perfgate/perfgate/results"
)

// runnerOffsets are the runners of up to 8 shards: shard i's runner is
// runnerOffsets[i] times as slow as the machine that measured the fixture.
var runnerOffsets = []float64{0.8, 1.3, 1.05, 0.9, 1.2, 0.85, 1.15, 1.0}

// scaleRSS multiplies every steady-state RSS sample by s.
func scaleRSS(s float64) func(*results.Results) {
	return func(r *results.Results) {
		fixture.EachBench(r, results.BenchMemoryUsage, func(b *results.Benchmark) {
			for i := range b.Memory {
				b.Memory[i].RSS = uint64(float64(b.Memory[i].RSS) * s)
			}
		})
	}
}

// pairedShards are k shards of real fixture networks, two runs per side:
// shard i's base is networks i+1 and i+2, its head networks i+5 and i+6
// (modulo 8), with circuits slower by slow; with offset, both sides of
// shard i carry its runner's offset (circuit latencies and RSS).
func pairedShards(t *testing.T, k int, slow float64, offset bool) []check.ShardPair {
	t.Helper()
	var out []check.ShardPair
	for i := range k {
		f := 1.0
		if offset {
			f = runnerOffsets[i]
		}
		base := fixture.Mutate(fixture.Results(t, f, i%8+1, (i+1)%8+1), scaleRSS(f))
		head := fixture.Mutate(fixture.Results(t, f*slow, (i+4)%8+1, (i+5)%8+1), scaleRSS(f))
		out = append(out, check.ShardPair{Base: base, Head: head})
	}
	return out
}

// pooledAB is the comparison that ignores the runners: every shard's base
// runs pooled against every shard's head runs.
func pooledAB(t *testing.T, pairs []check.ShardPair) *check.Report {
	t.Helper()
	var bases, heads []*results.Results
	for _, p := range pairs {
		bases, heads = append(bases, p.Base), append(heads, p.Head)
	}
	base, _, err := check.PoolShards(bases)
	if err != nil {
		t.Fatal(err)
	}
	head, _, err := check.PoolShards(heads)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := check.Compare(base, head, check.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// gatedMetric is the report's result for the metric key.
func gatedMetric(t *testing.T, rep *check.Report, key string) check.MetricResult {
	t.Helper()
	i := -1
	for j := range rep.Metrics {
		if rep.Metrics[j].Key == key {
			i = j
		}
	}
	if i < 0 {
		t.Fatalf("no %s in the report", key)
	}
	return rep.Metrics[i]
}

// TestComparePaired: K = 3, 5 and 8 shards on runners up to 30 % apart.
// Without a change the paired comparison passes; with every head 20 %
// slower it calls circuit_build_p95 regressed. The report names the
// design and renders with package report.
func TestComparePaired(t *testing.T) {
	for _, k := range []int{3, 5, 8} {
		for _, tc := range []struct {
			name    string
			slow    float64
			verdict check.Verdict
			status  check.Status
		}{
			{"no change", 1, check.VerdictPass, check.StatusPass},
			{"head 20 % slower", 1.2, check.VerdictRegression, check.StatusRegressed},
		} {
			t.Run(fmt.Sprintf("K=%d/%s", k, tc.name), func(t *testing.T) {
				rep, err := check.ComparePaired(pairedShards(t, k, tc.slow, true), check.DefaultConfig())
				if err != nil {
					t.Fatal(err)
				}
				m := gatedMetric(t, rep, results.MetricCircuitBuildP95)
				if rep.Verdict != tc.verdict || m.Status != tc.status {
					t.Errorf("verdict %s, circuit p95 %s (%s), want %s, %s", rep.Verdict, m.Status, m.Reason, tc.verdict, tc.status)
				}
				if want := fmt.Sprintf("paired by runner, %d shards", k); !strings.HasPrefix(rep.Comparison, want) {
					t.Errorf("comparison %q, want %q…", rep.Comparison, want)
				}
				if want := fmt.Sprintf("paired t on %d shards' log-ratios", k); m.Change == nil || m.Change.Test != want {
					t.Errorf("change %+v, want the test %q", m.Change, want)
				}
				if want := fmt.Sprintf("paired by runner over %d shards", k); !strings.Contains(m.Reason, want) {
					t.Errorf("reason %q lacks %q", m.Reason, want)
				}
				if got := m.Current.Value/m.Baseline.Value - 1; math.Abs(got-m.Change.Rel) > 1e-9 {
					t.Errorf("current/baseline − 1 = %v, change %v", got, m.Change.Rel)
				}
				if m.Baseline.Runs != 2*k || m.Current.Runs != 2*k || len(m.Current.RunValues) != 2*k {
					t.Errorf("runs %d+%d, want %d+%d", m.Baseline.Runs, m.Current.Runs, 2*k, 2*k)
				}
				var md bytes.Buffer
				if err := report.WriteMarkdown(&md, rep); err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(md.String(), "paired by runner") {
					t.Errorf("markdown lacks the comparison:\n%s", md.String())
				}
				if err := report.WriteTerminal(&md, rep, false); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

// TestComparePairedRunnerOffset: the runners' offsets cancel in the paired
// comparison (the same interval and p-value as on one machine), while
// pooling all base runs against all head runs counts them as noise: its
// interval widens and its p-value grows, beyond the paired test's.
func TestComparePairedRunnerOffset(t *testing.T) {
	for _, k := range []int{5, 8} {
		t.Run(fmt.Sprintf("K=%d", k), func(t *testing.T) {
			same, err := check.ComparePaired(pairedShards(t, k, 1.2, false), check.DefaultConfig())
			if err != nil {
				t.Fatal(err)
			}
			spread, err := check.ComparePaired(pairedShards(t, k, 1.2, true), check.DefaultConfig())
			if err != nil {
				t.Fatal(err)
			}
			a := gatedMetric(t, same, results.MetricCircuitBuildP95).Change
			b := gatedMetric(t, spread, results.MetricCircuitBuildP95).Change
			if math.Abs(a.Lo-b.Lo) > 1e-9 || math.Abs(a.Hi-b.Hi) > 1e-9 || math.Abs(a.P-b.P) > 1e-9 {
				t.Errorf("paired: one machine %+v, runners apart %+v", *a, *b)
			}
			pooledSame := gatedMetric(t, pooledAB(t, pairedShards(t, k, 1.2, false)), results.MetricCircuitBuildP95)
			pooled := gatedMetric(t, pooledAB(t, pairedShards(t, k, 1.2, true)), results.MetricCircuitBuildP95)
			t.Logf("paired CI %s … %s (p %.3g); pooled on one machine %s … %s (p %.3g), on runners apart %s … %s (p %.3g, %s)",
				check.FormatPct(b.Lo), check.FormatPct(b.Hi), b.P, check.FormatPct(pooledSame.Change.Lo), check.FormatPct(pooledSame.Change.Hi),
				pooledSame.Change.P, check.FormatPct(pooled.Change.Lo), check.FormatPct(pooled.Change.Hi), pooled.Change.P, pooled.Status)
			width := func(c *check.Change) float64 { return c.Hi - c.Lo }
			if width(pooled.Change) < 1.5*width(pooledSame.Change) || width(pooled.Change) <= width(b) {
				t.Errorf("pooled interval %.3f wide on runners apart, %.3f on one machine; paired %.3f: the offsets should widen the pooled one only",
					width(pooled.Change), width(pooledSame.Change), width(b))
			}
			if pooled.Change.P <= pooledSame.Change.P || pooled.Change.P <= b.P {
				t.Errorf("pooled p %.3g on runners apart, %.3g on one machine; paired %.3g", pooled.Change.P, pooledSame.Change.P, b.P)
			}
			if gatedMetric(t, spread, results.MetricCircuitBuildP95).Status != check.StatusRegressed {
				t.Error("paired missed the 20 % slowdown")
			}
		})
	}
}

// TestComparePairedFewShards: with one or two shards there is no test
// across runners (n/a), and the widened allowance alone decides.
func TestComparePairedFewShards(t *testing.T) {
	for _, tc := range []struct {
		name   string
		k      int
		slow   float64
		status check.Status
	}{
		{"1 shard, no change", 1, 1, check.StatusPass},
		{"1 shard, 20 % slower, within the allowed 80 %", 1, 1.2, check.StatusPass},
		{"1 shard, twice as slow", 1, 2, check.StatusRegressed},
		{"2 shards, no change", 2, 1, check.StatusPass},
		{"2 shards, 20 % slower, beyond the allowed 15 %", 2, 1.2, check.StatusRegressed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := check.ComparePaired(pairedShards(t, tc.k, tc.slow, true), check.DefaultConfig())
			if err != nil {
				t.Fatal(err)
			}
			m := gatedMetric(t, rep, results.MetricCircuitBuildP95)
			if m.Status != tc.status || m.Change.NA != check.NAFewShards || m.Change.Significant {
				t.Errorf("status %s, change %+v (%s)", m.Status, *m.Change, m.Reason)
			}
			if !strings.Contains(strings.Join(rep.Warnings, "\n"), "no test across runners") {
				t.Errorf("warnings %q lack the weak comparison", rep.Warnings)
			}
		})
	}
}

// dropBenchmarks keeps only the first benchmark of every run.
func dropBenchmarks(r *results.Results) {
	for i := range r.Runs {
		r.Runs[i].Benchmarks = r.Runs[i].Benchmarks[:1]
	}
}

// TestComparePairedVerdicts: failures and missing metrics of a shard give
// Compare's verdicts, and say which shard; runners of other machines are
// reported, not an error.
func TestComparePairedVerdicts(t *testing.T) {
	mutHead := func(i int, f func(*results.Results)) []check.ShardPair {
		ps := pairedShards(t, 3, 1, true)
		ps[i].Head = fixture.Mutate(ps[i].Head, f)
		return ps
	}
	mutBase := func(i int, f func(*results.Results)) []check.ShardPair {
		ps := pairedShards(t, 3, 1, true)
		ps[i].Base = fixture.Mutate(ps[i].Base, f)
		return ps
	}
	for _, tc := range []struct {
		name     string
		pairs    []check.ShardPair
		verdict  check.Verdict
		contains string // in the warnings, or the gated metrics' reasons
	}{
		{"a failed head run is an error", mutHead(1, func(r *results.Results) { r.Runs[0].Error = "network did not start" }),
			check.VerdictError, "shard 2: head run 0 failed: network did not start"},
		{"a failed gated head benchmark is an error", mutHead(0, func(r *results.Results) {
			fixture.EachBench(r, results.BenchCircuitBuild, func(b *results.Benchmark) { b.Error = "client died" })
		}), check.VerdictError, "shard 1: head run 0: benchmark circuit_build failed: client died"},
		{"a failed base run is a warning", mutBase(2, func(r *results.Results) { r.Runs[0].Error = "tor exited" }),
			check.VerdictPass, "shard 3: base run 0 failed: tor exited"},
		{"a gated metric missing from a head is an error", mutHead(1, dropBenchmarks),
			check.VerdictError, "missing from the head results of shard 2"},
		{"a base without a metric is paired over the rest", mutBase(0, dropBenchmarks),
			check.VerdictPass, "memory_steady_rss: the base of shard 1 lacks it; paired over the other 2 shards"},
		{"a runner of another CPU is reported", mutHead(2, func(r *results.Results) { r.Environment.CPUModel = "Other CPU"; r.Environment.RunnerName = "r3" }),
			check.VerdictPass, "shard 3 head (runner r3) ran in another environment than shard 1 head: CPU Test CPU → Other CPU (paired by runner"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := check.ComparePaired(tc.pairs, check.DefaultConfig())
			if err != nil {
				t.Fatal(err)
			}
			all := strings.Join(rep.Warnings, "\n")
			for _, m := range rep.Metrics {
				if m.Gated {
					all += "\n" + m.Reason
				}
			}
			if rep.Verdict != tc.verdict || !strings.Contains(all, tc.contains) {
				t.Errorf("verdict %s, want %s; want %q in:\n%s", rep.Verdict, tc.verdict, tc.contains, all)
			}
		})
	}
	t.Run("head's environment against base's", func(t *testing.T) {
		ps := pairedShards(t, 3, 1, false)
		for i := range ps {
			ps[i].Head = fixture.Mutate(ps[i].Head, func(r *results.Results) { r.Environment.ClientVersion = "0.4.9.12" })
		}
		rep, err := check.ComparePaired(ps, check.DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(rep.EnvironmentDiff, "; "); got != "client version 0.4.9.11 → 0.4.9.12" {
			t.Errorf("environment diff %q", got)
		}
		ps[1].Head = fixture.Mutate(ps[1].Head, func(r *results.Results) { r.Environment.TorVersion = "0.4.8.1" })
		rep, _ = check.ComparePaired(ps, check.DefaultConfig())
		if got := strings.Join(rep.EnvironmentDiff, "; "); !strings.Contains(got, "shard 2: tor 0.4.9.11 → 0.4.8.1, client version") || !strings.Contains(got, "shard 1: client version") {
			t.Errorf("environment diff per shard %q", got)
		}
	})
}

// TestComparePairedInputErrors: inputs that cannot be compared at all are
// errors that name the shard and its side.
func TestComparePairedInputErrors(t *testing.T) {
	with := func(f func(ps []check.ShardPair)) []check.ShardPair {
		ps := pairedShards(t, 3, 1, false)
		f(ps)
		return ps
	}
	for _, tc := range []struct {
		name     string
		pairs    []check.ShardPair
		side     string // of the *InputError; "" for another error
		contains string
	}{
		{"no shards", nil, "", "no shards"},
		{"two shards of one name", with(func(ps []check.ShardPair) { ps[0].Name, ps[1].Name = "r1", "r1" }), "", `two shards named "r1"`},
		{"no base", with(func(ps []check.ShardPair) { ps[1].Base = nil }), "shard 2 base", "no results"},
		{"no head", with(func(ps []check.ShardPair) { ps[2].Head = nil }), "shard 3 head", "no results"},
		{"another schema", with(func(ps []check.ShardPair) {
			ps[1].Head = fixture.Mutate(ps[1].Head, func(r *results.Results) { r.Schema = "perfgate/results/v9" })
		}), "shard 2 head", "unknown schema"},
		{"a head of another suite", with(func(ps []check.ShardPair) {
			for i := range ps {
				ps[i].Head = fixture.Mutate(ps[i].Head, func(r *results.Results) { r.Suite = "go-tor" })
			}
		}), "shard 1 base", `base of suite "perfgate" cannot be compared with head of suite "go-tor"`},
		{"a NaN sample", with(func(ps []check.ShardPair) {
			ps[1].Head = fixture.Mutate(ps[1].Head, func(r *results.Results) { r.Runs[0].Benchmarks[0].LatenciesS[2] = math.NaN() })
		}), "shard 2 head", "sample 3 is NaN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := check.ComparePaired(tc.pairs, check.DefaultConfig())
			if err == nil {
				t.Fatal("no error")
			}
			var ie *check.InputError
			if errors.As(err, &ie) != (tc.side != "") || tc.side != "" && ie.Side != tc.side {
				t.Errorf("error %q (%T), want side %q", err, err, tc.side)
			}
			if !strings.Contains(err.Error(), tc.contains) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q, want %q on one line", err, tc.contains)
			}
		})
	}
}
