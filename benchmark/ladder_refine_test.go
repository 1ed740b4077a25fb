package benchmark

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/perfgate/perfgate/results"
)

// lvl is a level record: n streams, ok of them successful, their p95.
func lvl(n, ok int, p95 float64) results.StreamLevel {
	return results.StreamLevel{Streams: n, OK: ok, Failed: n - ok, P95S: p95,
		Pass: levelPasses(ok, n, p95, time.Second)}
}

// linear is a client whose p95 grows by 1 s per 1000 streams from 50 ms:
// its p95 reaches the 1 s bound at 950 streams.
func linear(n int) results.StreamLevel { return lvl(n, n, 0.05+float64(n)/1000) }

// TestLadderRefine drives a refining ladder with the linear client: a
// failing level is run twice, then the probes straddle the estimate.
func TestLadderRefine(t *testing.T) {
	var levels []results.StreamLevel
	l := NewLadder([]int{10, 25, 50, 100, 200}, 8192, 0.125).Refine(2, 0.125, func() float64 {
		return results.EstimateCapacity(levels, time.Second).Capacity
	})
	spiked := false
	var got []int
	for {
		n, ok := l.Next()
		if !ok {
			break
		}
		if len(got) > 30 {
			t.Fatalf("ladder does not end: %v", got)
		}
		got = append(got, n)
		lv := linear(n)
		if n == 400 && !spiked { // a one-off spike
			lv, spiked = lvl(400, 400, 1.5), true
		}
		levels = append(levels, lv)
		l.Observe(n, lv.Pass, lv.P95S)
	}
	// 400 spikes and is run again; 800 has p95 0.85 → ×1.25 = 1000 fails,
	// twice; the probes at 950 ×(1∓0.125).
	want := []int{10, 25, 50, 100, 200, 400, 400, 800, 1000, 1000, 831, 1069}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("levels %v, want %v", got, want)
	}
	if c := results.EstimateCapacity(levels, time.Second).Capacity; math.Abs(c-950) > 1 {
		t.Errorf("capacity %.1f, want 950", c)
	}
}
