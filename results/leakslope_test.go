package results

import (
	"math"
	"testing"
)

// TestLeakSlope checks that the gate's memory_leak_slope follows the
// suite's rule: cycle 1 warms the allocator up and is left out of the fit
// when there are at least three cycles.
func TestLeakSlope(t *testing.T) {
	const mb = 1 << 20
	samples := func(rss ...uint64) []MemorySample {
		ms := make([]MemorySample, len(rss))
		for i, r := range rss {
			ms[i] = MemorySample{Cycle: i + 1, RSS: r}
		}
		return ms
	}
	for _, tc := range []struct {
		name   string
		memory []MemorySample
		want   float64
		ok     bool
	}{
		{"warm-up jump in cycle 1, flat after", samples(20*mb, 30*mb, 30*mb, 30*mb), 0, true},
		{"steady growth after cycle 1", samples(20*mb, 30*mb, 31*mb, 32*mb), mb, true},
		{"cycle 1 last in the file", []MemorySample{{Cycle: 2, RSS: 30 * mb}, {Cycle: 3, RSS: 32 * mb}, {Cycle: 1, RSS: 5 * mb}}, 2 * mb, true},
		{"two cycles: both fitted", samples(20*mb, 22*mb), 2 * mb, true},
		{"one cycle: no slope", samples(20 * mb), 0, false},
		{"no cycle numbers: no slope", []MemorySample{{RSS: mb}, {RSS: 2 * mb}, {RSS: 3 * mb}}, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, got, ok := leakSlope(&Benchmark{Key: BenchMemoryLeaks, Memory: tc.memory})
			if ok != tc.ok || math.Abs(got-tc.want) > 1e-6 {
				t.Errorf("leakSlope = %v, %v; want %v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}
