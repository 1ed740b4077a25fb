package quality

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/perfgate/perfgate/benchmark"
	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/results"
)

func loadNoise(t *testing.T) *results.Results {
	t.Helper()
	r, err := results.Load("testdata/loopback-noise.json", "")
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
	pools := Pools(map[string]*results.Results{"noise.json": r})
	if len(pools) != 1 || !pools[0].AA() || len(pools[0].Runs) != 8 {
		t.Fatalf("pools = %+v", pools)
	}
	// Mechanics, not calibration: fixed allowances, the same for any
	// number of runs (the defaults widen with few runs).
	cfg := withThreshold(check.DefaultConfig(), Thresholds{P95: 15, RSS: 10, Capacity: 10})
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
	one := &results.Results{Schema: results.SchemaResultsV1, Suite: results.SuiteName, Runs: r.Runs[:1]}
	inj := &results.Results{Schema: results.SchemaResultsV1, Suite: results.SuiteName, Runs: out}
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

// TestEvaluatePoolsAndModes builds every kind of pool from the fixture's
// real runs: an injected stored-mode pool, and A/B sessions (A/A and
// injected) laid out in the balanced schedule. The replay reports false
// alarms, power and the effect the injection made, per mode.
func TestEvaluatePoolsAndModes(t *testing.T) {
	r := loadNoise(t)
	all := []string{KindCircuit, KindMemory, KindStreams}
	tag := func(res *results.Results, mode, inj string, kinds []string, size float64) *results.Results {
		c := *res
		c.Settings.Extra = map[string]string{ExtraMode: mode, ExtraInjection: inj, ExtraKinds: strings.Join(kinds, ","), ExtraSize: "0.5"}
		return &c
	}
	inj := *r
	inj.Runs = synthetic(r.Runs, all, 0.5)
	session := func(b []results.Run) *results.Results {
		s := *r
		s.Runs = nil
		for i, side := range benchmark.Schedule(4, benchmark.Balanced) {
			run := r.Runs[i]
			if side == benchmark.SideB {
				run = b[i]
			}
			run.Label = side.String()
			s.Runs = append(s.Runs, run)
		}
		return &s
	}
	files := map[string]*results.Results{
		"aa.json":      r,
		"inj.json":     tag(&inj, ModeStored, "all+50%", all, 0.5),
		"ab-aa.json":   tag(session(r.Runs), ModeAB, "none", nil, 0),
		"ab-inj.json":  tag(session(inj.Runs), ModeAB, "all+50%", all, 0.5),
		"ab-inj2.json": tag(session(inj.Runs), ModeAB, "all+50%", all, 0.5),
	}
	pools := Pools(files)
	if len(pools) != 4 {
		t.Fatalf("%d pools, want 4", len(pools))
	}
	// Mechanics, not calibration: fixed allowances, the same for any
	// number of runs (the defaults widen with few runs).
	// The bootstrap over runs (TestRank below 5 runs) calls every +50 %
	// of these fixtures significant at 2 runs per side; Welch's t with 2
	// runs has 1–2 degrees of freedom and, rightly, not always.
	cfg := withThreshold(check.DefaultConfig(), Thresholds{P95: 15, RSS: 10, Capacity: 10})
	cfg.Resamples = 300
	cfg.Test = check.TestRank
	cells, err := Evaluate(pools, EvalOptions{RunsPerSide: []int{1, 2}, MaxPairs: 30, Config: &cfg})
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		comparisons int
		rate        float64
	}
	wants := map[string]want{
		"stored/A/A/1": {30, 0}, "stored/all+50%/1": {30, 1}, "ab/A/A/1": {4, 0}, "ab/all+50%/1": {8, 1},
		"stored/A/A/2": {30, 0}, "stored/all+50%/2": {30, 1}, "ab/A/A/2": {3, 0}, "ab/all+50%/2": {6, 1},
	}
	for _, c := range cells {
		key := fmt.Sprintf("%s/%s/%d", c.Mode, c.Condition, c.K)
		w, ok := wants[key]
		if !ok {
			t.Errorf("unexpected cell %s", key)
			continue
		}
		delete(wants, key)
		if c.Errors > 0 {
			t.Errorf("%s: %s", key, c.FirstError)
		}
		if c.Comparisons != w.comparisons {
			t.Errorf("%s: %d comparisons, want %d", key, c.Comparisons, w.comparisons)
		}
		for _, m := range GatedMetrics {
			if got := c.MetricRate(m); got != w.rate {
				t.Errorf("%s: %s rate %v, want %v", key, m, got, w.rate)
			}
		}
		if !c.AA() {
			// Stored: the injected runs are the A/A runs made worse, so the
			// effect is exact; A/B: the sides are different networks.
			if e := c.Effect[results.MetricCircuitBuildP95]; c.Mode == ModeStored && math.Abs(e-0.5) > 1e-9 || math.Abs(e-0.5) > 0.2 {
				t.Errorf("%s: circuit effect %v, want +50 %%", key, e)
			}
			if e := c.Effect[results.MetricStreamCapacity]; e < 0.3 {
				t.Errorf("%s: capacity effect %v, want about +50 %% (worse)", key, e)
			}
		}
		if c.Mode == ModeAB && c.VerdictS != 9.5+40*2*float64(c.K) {
			t.Errorf("%s: time per verdict %v", key, c.VerdictS)
		}
	}
	for k := range wants {
		t.Errorf("missing cell %s", k)
	}
}

func TestABPairs(t *testing.T) {
	var s []results.Run
	for i, side := range benchmark.Schedule(4, benchmark.Balanced) {
		s = append(s, results.Run{Index: i, Label: side.String(), WallS: 10})
	}
	s[0].NetworkStartS = 5
	for _, tc := range []struct{ k, pairs int }{{1, 4}, {2, 3}, {3, 2}, {4, 1}, {5, 0}} {
		ps := abPairs([][]results.Run{s}, tc.k)
		if len(ps) != tc.pairs {
			t.Errorf("k=%d: %d pairs, want %d", tc.k, len(ps), tc.pairs)
		}
		for _, p := range ps {
			if len(p.base) != tc.k || len(p.cur) != tc.k || p.costS != 5+20*float64(tc.k) {
				t.Errorf("k=%d: pair of %d/%d runs costing %v", tc.k, len(p.base), len(p.cur), p.costS)
			}
			for _, r := range p.base {
				if r.Label != "A" {
					t.Errorf("base holds a %s run", r.Label)
				}
			}
		}
	}
}

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

func TestParseThresholds(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Thresholds
		str  string
		bad  bool
	}{
		{in: "0", str: "default"},
		{in: "10", want: Thresholds{P95: 10}, str: "p95 10 %"},
		{in: "10/5", want: Thresholds{P95: 10, RSS: 5}, str: "p95 10 %, RSS 5 %"},
		{in: "0/5/12.5", want: Thresholds{RSS: 5, Capacity: 12.5}, str: "RSS 5 %, capacity 12.5 %"},
		{in: "1/2/3/4", bad: true},
		{in: "ten", bad: true},
		{in: "-5", bad: true},
		{in: "NaN", bad: true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseThresholds(tc.in)
			if tc.bad {
				if err == nil {
					t.Errorf("ParseThresholds(%q) = %+v, want an error", tc.in, got)
				}
				return
			}
			if err != nil || got != tc.want || got.String() != tc.str {
				t.Errorf("ParseThresholds(%q) = %+v (%q), %v; want %+v (%q)", tc.in, got, got.String(), err, tc.want, tc.str)
			}
		})
	}
	cfg := withThreshold(check.DefaultConfig(), Thresholds{RSS: 7})
	if mc := cfg.Metrics[results.MetricMemorySteadyRSS]; mc.AllowedRegressionPct != 7 || mc.AllowedRegressionPctFewRuns != nil {
		t.Errorf("RSS config %+v", mc)
	}
	if check.DefaultConfig().Metrics[results.MetricMemorySteadyRSS].AllowedRegressionPct == 7 {
		t.Error("withThreshold changed the default config")
	}
}

func TestPlanInjectionSizes(t *testing.T) {
	base := BaseValues{CircuitP95: 60e6, RSS: 20 << 20, Capacity: 1000}
	in, err := PlanInjectionSizes(map[string]float64{KindCircuit: 0.2, KindMemory: 0.1, KindStreams: 0.2}, base)
	if err != nil {
		t.Fatal(err)
	}
	if in.Name != "circuit+20%,memory+10%,streams+20%" || in.ControlDelay != 6e6 || in.MaxStreams != 800 ||
		in.GeoIPEntries != GeoIPEntriesFor(2<<20) || in.Size != 0 || len(in.Kinds) != 3 {
		t.Errorf("PlanInjectionSizes = %+v", in)
	}
	if _, err := PlanInjectionSizes(nil, base); err == nil {
		t.Error("no kinds: no error")
	}
	if _, err := PlanInjectionSizes(map[string]float64{"cpu": 0.2}, base); err == nil {
		t.Error("unknown kind: no error")
	}
}

// FuzzParseThresholds: any input gives thresholds that print and parse
// back to themselves, or an error; never a panic.
func FuzzParseThresholds(f *testing.F) {
	for _, s := range []string{"0", "10", "10/5", "0/5/12.5", "1/2/3/4", "ten", "-5", "NaN", "1e400", "/", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		th, err := ParseThresholds(s)
		if err != nil {
			return
		}
		if th.P95 < 0 || th.RSS < 0 || th.Capacity < 0 {
			t.Fatalf("%q: negative thresholds %+v", s, th)
		}
		_ = th.String()
	})
}
