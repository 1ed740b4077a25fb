package quality

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/perfgate/perfgate/check"
)

func loadNoise(t *testing.T) *check.Results {
	t.Helper()
	r, err := check.Load("testdata/loopback-noise.json", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Runs) != 8 {
		t.Fatalf("%d runs, want 8", len(r.Runs))
	}
	return r
}

func TestCombinations(t *testing.T) {
	for _, tc := range []struct{ n, k, want int }{{4, 2, 6}, {8, 3, 56}, {5, 0, 1}, {3, 4, 0}} {
		if got := len(combinations(tc.n, tc.k)); got != tc.want {
			t.Errorf("combinations(%d,%d): %d, want %d", tc.n, tc.k, got, tc.want)
		}
		if got := binom(tc.n, tc.k); int(got) != tc.want {
			t.Errorf("binom(%d,%d) = %v, want %d", tc.n, tc.k, got, tc.want)
		}
	}
}

// TestEvaluateLoopbackNoise replays the 8 real networks of the fixture:
// with the default config A/A comparisons raise no false alarm, and a
// synthetic +50 % regression of all three metrics is caught every time.
func TestEvaluateLoopbackNoise(t *testing.T) {
	r := loadNoise(t)
	pools := Pools(map[string]*check.Results{"noise.json": r})
	if len(pools) != 1 || !pools[0].AA() || len(pools[0].Runs) != 8 {
		t.Fatalf("pools = %+v", pools)
	}
	cfg := check.DefaultConfig()
	cfg.Resamples = 400
	cells, err := Evaluate(pools, EvalOptions{RunsPerSide: []int{1, 3}, Synthetic: []float64{0.5}, MaxPairs: 60, Config: &cfg, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(cells) != 4 {
		t.Fatalf("%d cells, want 4 (A/A and synthetic, for k=1 and k=3)", len(cells))
	}
	for _, c := range cells {
		t.Run(c.Condition+"/"+string(rune('0'+c.K)), func(t *testing.T) {
			if c.Errors > 0 {
				t.Fatalf("%d comparisons failed: %s", c.Errors, c.FirstError)
			}
			if c.Comparisons != 56 && c.Comparisons != 60 {
				t.Errorf("%d comparisons (possible %d)", c.Comparisons, c.Possible)
			}
			if c.AA() {
				if c.Alarms != 0 {
					t.Errorf("A/A: %d false alarms in %d (%v)", c.Alarms, c.Comparisons, c.Regressed)
				}
				return
			}
			for _, key := range GatedMetrics {
				if got := c.MetricRate(key); got < 0.99 {
					t.Errorf("synthetic +50 %%: %s caught in %.0f %%", key, got*100)
				}
			}
			if c.VerdictS != 40*float64(c.K) {
				t.Errorf("time per verdict %v, want %v (the current side's runs)", c.VerdictS, 40*c.K)
			}
		})
	}
	var b bytes.Buffer
	if err := WriteTable(&b, cells); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "| stored baseline | A/A (false alarms) | 3 | default |") {
		t.Errorf("table lacks the A/A row:\n%s", b.String())
	}
	t.Logf("\n%s", b.String())
}

func TestSyntheticLeavesInputAlone(t *testing.T) {
	r := loadNoise(t)
	before := r.Runs[0].Benchmarks[0].LatenciesS[0]
	rss := r.Runs[0].Benchmarks[1].Memory[0].RSS
	out := synthetic(r.Runs[:1], []string{KindCircuit, KindMemory, KindStreams}, 0.2)
	if r.Runs[0].Benchmarks[0].LatenciesS[0] != before || r.Runs[0].Benchmarks[1].Memory[0].RSS != rss {
		t.Fatal("synthetic changed its input")
	}
	if got := out[0].Benchmarks[0].LatenciesS[0]; math.Abs(got-before*1.2) > 1e-12 {
		t.Errorf("latency %v, want %v", got, before*1.2)
	}
	one := &check.Results{Schema: check.SchemaResultsV1, Suite: check.SuiteName, Runs: r.Runs[:1]}
	inj := &check.Results{Schema: check.SchemaResultsV1, Suite: check.SuiteName, Runs: out}
	b0, err := BaseValuesOf(one)
	if err != nil {
		t.Fatal(err)
	}
	b1, err := BaseValuesOf(inj)
	if err != nil {
		t.Fatal(err)
	}
	if b1.Capacity >= b0.Capacity || float64(b1.Capacity) < 0.7*float64(b0.Capacity) {
		t.Errorf("capacity %d → %d, want about −20 %%", b0.Capacity, b1.Capacity)
	}
	if b1.RSS <= b0.RSS || b1.CircuitP95 <= b0.CircuitP95 {
		t.Errorf("base values %+v → %+v", b0, b1)
	}
}

func TestPlanInjection(t *testing.T) {
	base := BaseValues{CircuitP95: 65e6, RSS: 19 << 20, Capacity: 1000}
	in, err := PlanInjection([]string{KindCircuit, KindMemory, KindStreams}, 0.2, base)
	if err != nil {
		t.Fatal(err)
	}
	if in.ControlDelay != 6.5e6 || in.MaxStreams != 800 || in.GeoIPEntries != GeoIPEntriesFor(uint64(0.2*float64(base.RSS))) {
		t.Errorf("PlanInjection = %+v", in)
	}
	if in.Name != "circuit+memory+streams+20%" {
		t.Errorf("name %q", in.Name)
	}
	for name, tc := range map[string]struct {
		kinds []string
		size  float64
		base  BaseValues
	}{
		"size 0":       {[]string{KindCircuit}, 0, base},
		"size 1":       {[]string{KindCircuit}, 1, base},
		"unknown kind": {[]string{"cpu"}, 0.2, base},
		"no p95":       {[]string{KindCircuit}, 0.2, BaseValues{}},
		"no rss":       {[]string{KindMemory}, 0.2, BaseValues{}},
		"no capacity":  {[]string{KindStreams}, 0.2, BaseValues{}},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := PlanInjection(tc.kinds, tc.size, tc.base); err == nil {
				t.Error("PlanInjection succeeded")
			}
		})
	}
}
