package report

import (
	"fmt"
	"strings"
	"testing"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/internal/fixture"
	"github.com/perfgate/perfgate/results"
)

// TestNoiseUnknown compares every kind of metric at 1+1, 1+N and N+N
// runs: where a side is one value with no samples within it to resample,
// or the interval has no width, the change has no test (n/a), is never
// significant, and the widened allowance alone decides.
func TestNoiseUnknown(t *testing.T) {
	// side 0 is the baseline, 1 the current side; run counts from 0.
	lat := func(side, run int) []float64 {
		s := make([]float64, 50)
		for i := range s {
			s[i] = 0.060 + 0.0004*float64(i*7%50) + 0.0007*float64(run) + 0.0003*float64(side)
		}
		return s
	}
	kinds := []struct {
		name, metric string
		bench        func(side, run int) results.Benchmark
		// oneValue: a run of this kind is a single value.
		oneValue bool
	}{
		{"latency samples", results.MetricCircuitBuildP95, func(side, run int) results.Benchmark {
			return results.Benchmark{Key: results.BenchCircuitBuild, LatenciesS: lat(side, run)}
		}, false},
		{"latency quantiles as printed", results.MetricCircuitBuildP95, func(side, run int) results.Benchmark {
			p95 := 0.080 + 0.002*float64(run) + 0.003*float64(side)
			return results.Benchmark{Key: results.BenchCircuitBuild, P50S: p95 / 2, P95S: p95, P99S: p95 * 1.1, MaxS: p95 * 1.2}
		}, true},
		{"RSS samples", results.MetricMemorySteadyRSS, func(side, run int) results.Benchmark {
			var m []results.MemorySample
			for i := range 5 {
				m = append(m, results.MemorySample{RSS: uint64(18*results.MiB + (i*37+run*11+side*5)%64*1024)})
			}
			return results.Benchmark{Key: results.BenchMemoryUsage, Memory: m}
		}, false},
		{"RSS one sample", results.MetricMemorySteadyRSS, func(side, run int) results.Benchmark {
			return results.Benchmark{Key: results.BenchMemoryUsage, Memory: []results.MemorySample{{RSS: uint64(18*results.MiB + run*300*1024 + side*200*1024)}}}
		}, true},
		{"capacity", results.MetricStreamCapacity, func(side, run int) results.Benchmark {
			// The 200-stream level serves 160 (baseline) or 153 streams, plus the run.
			ok := 160 - 7*side + run
			return results.Benchmark{Key: results.BenchStreamScaling, Levels: []results.StreamLevel{fixture.Level(100, 100, 0.1), fixture.Level(200, ok, 0.2)}}
		}, true},
	}
	mkResults := func(side, runs int, bench func(side, run int) results.Benchmark) *results.Results {
		r := &results.Results{Schema: results.SchemaResultsV1, Suite: results.SuiteName}
		for i := range runs {
			b := bench(side, i)
			b.Name, b.Success = b.Key, true
			r.Runs = append(r.Runs, results.Run{Index: i, Benchmarks: []results.Benchmark{b}})
		}
		return r
	}
	for _, k := range kinds {
		for _, n := range [][2]int{{1, 1}, {1, 3}, {3, 1}, {3, 3}, {5, 5}} {
			t.Run(fmt.Sprintf("%s %d+%d", k.name, n[0], n[1]), func(t *testing.T) {
				rep, err := check.Compare(mkResults(0, n[0], k.bench), mkResults(1, n[1], k.bench), check.DefaultConfig())
				if err != nil {
					t.Fatal(err)
				}
				m := metricOf(t, rep, k.metric)
				if m.Change == nil {
					t.Fatalf("no change: %+v", m)
				}
				want := ""
				if k.oneValue && n == [2]int{1, 1} {
					want = check.NAOneValue
				}
				checkNA(t, m, want)
			})
		}
	}
	t.Run("runs that do not vary: zero-width interval", func(t *testing.T) {
		same := func(side, run int) results.Benchmark {
			return results.Benchmark{Key: results.BenchStreamScaling, Levels: []results.StreamLevel{fixture.Level(100, 100, 0.1), fixture.Level(200, 160-7*side, 0.2)}}
		}
		rep, err := check.Compare(mkResults(0, 5, same), mkResults(1, 5, same), check.DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		checkNA(t, metricOf(t, rep, results.MetricStreamCapacity), check.NAZeroWidth)
	})
	// The same client on both sides, one run each: −4.3 % of capacity.
	for _, tc := range []struct {
		name   string
		ok     int // streams the current side's 200-stream level serves (baseline 160)
		status check.Status
		cell   string
	}{
		{"within the widened allowance passes", 153, check.StatusPass, "−4.4 % (n/a: one value per side; 1+1 runs)"},
		{"beyond it regresses without a test", 100, check.StatusRegressed, "−37.5 % (n/a: one value per side; 1+1 runs)"},
	} {
		t.Run("capacity 1+1: "+tc.name, func(t *testing.T) {
			side := func(ok int) *results.Results {
				return mkResults(0, 1, func(int, int) results.Benchmark {
					return results.Benchmark{Key: results.BenchStreamScaling, Levels: []results.StreamLevel{fixture.Level(100, 100, 0.1), fixture.Level(200, ok, 0.2)}}
				})
			}
			rep, err := check.Compare(side(160), side(tc.ok), check.DefaultConfig())
			if err != nil {
				t.Fatal(err)
			}
			m := metricOf(t, rep, results.MetricStreamCapacity)
			if m.Status != tc.status || !strings.Contains(m.Reason, "n/a: one value per side") {
				t.Errorf("status %s (%s), want %s", m.Status, m.Reason, tc.status)
			}
			if got := cellChange(m, true); got != tc.cell {
				t.Errorf("change %q, want %q", got, tc.cell)
			}
		})
	}
}

// checkNA checks that m's change has no test for the reason want, or a
// test when want is "".
func checkNA(t *testing.T, m check.MetricResult, want string) {
	t.Helper()
	c := m.Change
	cell := cellChange(m, true)
	if c.NA != want {
		t.Fatalf("NA %q, want %q (%s)", c.NA, want, cell)
	}
	if want == "" {
		if !(c.Hi > c.Lo) || !strings.Contains(cell, "p=") && !strings.Contains(cell, "p<") {
			t.Errorf("a change with measurable noise shows no test: %s", cell)
		}
		return
	}
	if c.Significant || c.P != 1 || c.Lo != c.Rel || c.Hi != c.Rel {
		t.Errorf("a change without a test claims one: %+v", *c)
	}
	if !strings.Contains(cell, "n/a: "+want) || strings.Contains(cell, "p=") || strings.Contains(cell, "CI") {
		t.Errorf("change cell %q, want n/a: %s and no p-value", cell, want)
	}
	if !strings.Contains(m.Reason, "n/a: "+want) {
		t.Errorf("reason %q does not say n/a", m.Reason)
	}
}
