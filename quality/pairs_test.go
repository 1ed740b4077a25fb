package quality

import (
	"testing"

	"github.com/perfgate/perfgate/benchmark"
	"github.com/perfgate/perfgate/results"
)

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
