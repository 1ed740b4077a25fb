package quality

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/results"
)

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

// TestEvaluatePoolsAndModes builds every kind of pool from the fixture's
// real runs: an injected stored-mode pool, and A/B sessions (A/A and
// injected) laid out in the balanced schedule. The replay reports false
// alarms, power and the effect the injection made, per mode.
func TestEvaluatePoolsAndModes(t *testing.T) {
	r := loadNoise(t)
	all := []string{KindCircuit, KindMemory, KindStreams}
	inj := *r
	inj.Runs = synthetic(r.Runs, all, 0.5)
	files := map[string]*results.Results{
		"aa.json":      r,
		"inj.json":     tag(&inj, ModeStored, "all+50%", all, 0.5),
		"ab-aa.json":   tag(abSession(r, r.Runs), ModeAB, "none", nil, 0),
		"ab-inj.json":  tag(abSession(r, inj.Runs), ModeAB, "all+50%", all, 0.5),
		"ab-inj2.json": tag(abSession(r, inj.Runs), ModeAB, "all+50%", all, 0.5),
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
