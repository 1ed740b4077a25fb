package check

import (
	"testing"

	"github.com/perfgate/perfgate/internal/fixture"
	"github.com/perfgate/perfgate/results"
)

// TestAACalibration replays A/A comparisons of the fixture's fresh private
// networks (three disjoint networks per side, every ordered pair of
// triples) through Compare with the default config: no comparison may
// alarm. It then injects a +100 % slowdown (beyond the 80 % allowed with
// fewer than five runs per side) into the current side's circuit samples:
// every comparison must call circuit_build_p95 regressed.
func TestAACalibration(t *testing.T) {
	nets := []int{1, 2, 3, 4, 5, 6, 7, 8}
	type pair struct{ a, b []int }
	var pairs []pair
	for _, a := range combinations(nets, 3) {
		var rest []int
		for _, n := range nets {
			if n != a[0] && n != a[1] && n != a[2] {
				rest = append(rest, n)
			}
		}
		for _, b := range combinations(rest, 3) {
			pairs = append(pairs, pair{a, b})
		}
	}
	if testing.Short() {
		// Every 7th pair still covers every network on both sides.
		var sub []pair
		for i := 0; i < len(pairs); i += 7 {
			sub = append(sub, pairs[i])
		}
		pairs = sub
	}
	cfg := DefaultConfig()
	cache := map[[2]int]results.Run{}
	mkResults := func(scale float64, ns []int) *results.Results {
		r := fixture.Results(t, 1)
		for i, n := range ns {
			key := [2]int{n, int(scale * 100)}
			run, ok := cache[key]
			if !ok {
				run = fixture.Network(t, n, scale)
				cache[key] = run
			}
			run.Index = i
			r.Runs = append(r.Runs, run)
		}
		return r
	}
	alarms, caught, worst := 0, 0, 0.0
	for _, p := range pairs {
		base := mkResults(1, p.a)
		rep, err := Compare(base, mkResults(1, p.b), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Verdict != VerdictPass {
			alarms++
			t.Errorf("A/A %v vs %v: verdict %s: %s", p.a, p.b, rep.Verdict, rep.Headline())
		}
		if c := metricOf(t, rep, results.MetricCircuitBuildP95).Change; c != nil && c.Rel > worst {
			worst = c.Rel
		}
		slow, err := Compare(base, mkResults(2, p.b), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if m := metricOf(t, slow, results.MetricCircuitBuildP95); m.Status == StatusRegressed && slow.Verdict == VerdictRegression {
			caught++
		} else {
			t.Errorf("+100 %% %v vs %v: circuit_build_p95 %s (%s)", p.a, p.b, m.Status, m.Reason)
		}
	}
	t.Logf("%d A/A pairs: %d false alarms (worst p95 ratio %+.1f %%); +100 %% slowdown caught in %d/%d",
		len(pairs), alarms, worst*100, caught, len(pairs))
}

// TestAACalibrationOneRun: with one network per side the widened default
// (80 %) raises no false alarm on any ordered pair of fixture networks,
// and still catches most slowdowns that double the latency.
func TestAACalibrationOneRun(t *testing.T) {
	cfg := DefaultConfig()
	alarms, caught, pairs := 0, 0, 0
	for a := 1; a <= 8; a++ {
		for b := 1; b <= 8; b++ {
			if a == b {
				continue
			}
			pairs++
			base := fixture.Results(t, 1, a)
			rep, err := Compare(base, fixture.Results(t, 1, b), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Verdict != VerdictPass {
				alarms++
				t.Errorf("A/A %d vs %d: %s", a, b, rep.Headline())
			}
			slow, err := Compare(base, fixture.Results(t, 2, b), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if metricOf(t, slow, results.MetricCircuitBuildP95).Status == StatusRegressed {
				caught++
			}
		}
	}
	t.Logf("one run per side: %d/%d A/A false alarms; +100 %% caught in %d/%d", alarms, pairs, caught, pairs)
	if caught < pairs*3/4 {
		t.Errorf("+100 %% caught in only %d of %d one-run pairs", caught, pairs)
	}
}
