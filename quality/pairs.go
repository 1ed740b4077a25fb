package quality

import (
	"math"
	"math/rand/v2"

	"github.com/perfgate/perfgate/results"
)

// A pair is the runs of the two sides of one replayed comparison, and the
// wall time of the runs its verdict needs.
type pair struct {
	base, cur []results.Run
	costS     float64
}

// storedPairs returns up to max pairs of k runs each: base from aa, cur
// from inj, or (inj nil) from the runs of aa not in base. It enumerates
// when the pools allow at most max distinct pairs and samples otherwise.
func storedPairs(aa, inj []results.Run, k, max int, rng *rand.Rand) ([]pair, int) {
	mk := func(bi, ci []int, cur []results.Run) pair {
		p := pair{}
		for _, i := range bi {
			p.base = append(p.base, aa[i])
		}
		for _, i := range ci {
			p.cur = append(p.cur, cur[i])
			p.costS += cur[i].WallS
		}
		return p
	}
	n := len(aa)
	var possible float64
	if inj == nil {
		possible = binom(n, k) * binom(n-k, k)
	} else {
		possible = binom(n, k) * binom(len(inj), k)
	}
	var out []pair
	if possible <= float64(max) {
		for _, bi := range combinations(n, k) {
			if inj == nil {
				rest := without(n, bi)
				for _, ci := range combinations(len(rest), k) {
					out = append(out, mk(bi, pick(rest, ci), aa))
				}
			} else {
				for _, ci := range combinations(len(inj), k) {
					out = append(out, mk(bi, ci, inj))
				}
			}
		}
		return out, int(possible)
	}
	for len(out) < max {
		perm := rng.Perm(n)
		bi := perm[:k]
		if inj == nil {
			out = append(out, mk(bi, perm[k:2*k], aa))
		} else {
			out = append(out, mk(bi, rng.Perm(len(inj))[:k], inj))
		}
	}
	return out, int(math.Min(possible, math.MaxInt32))
}

// adaptivePairs samples max pairs of k baseline runs from aa and m
// current runs, in random order, from inj (or, inj nil, from the rest of aa).
func adaptivePairs(aa, inj []results.Run, k, m, max int, rng *rand.Rand) ([]pair, int) {
	possible := binom(len(aa), k) * binom(len(aa)-k, m)
	if inj != nil {
		possible = binom(len(aa), k) * binom(len(inj), m)
	}
	var out []pair
	for len(out) < max {
		perm := rng.Perm(len(aa))
		p := pair{}
		for _, i := range perm[:k] {
			p.base = append(p.base, aa[i])
		}
		idx := perm[k : k+m]
		from := aa
		if inj != nil {
			idx, from = rng.Perm(len(inj))[:m], inj
		}
		for _, i := range idx {
			p.cur = append(p.cur, from[i])
		}
		out = append(out, p)
	}
	return out, int(math.Min(possible, math.MaxInt32))
}

// abPairs returns, for every session, every window of 2k consecutive runs
// starting at a pair boundary: A's runs against B's. Balanced schedules
// have k of each in every such window.
func abPairs(sessions [][]results.Run, k int) []pair {
	var out []pair
	for _, s := range sessions {
		start := 0.0
		if len(s) > 0 {
			start = s[0].NetworkStartS
		}
		for j := 0; j+2*k <= len(s); j += 2 {
			p := pair{costS: start}
			for _, r := range s[j : j+2*k] {
				p.costS += r.WallS
				if r.Label == "B" {
					p.cur = append(p.cur, r)
				} else {
					p.base = append(p.base, r)
				}
			}
			if len(p.base) == k && len(p.cur) == k {
				out = append(out, p)
			}
		}
	}
	return out
}

func binom(n, k int) float64 {
	if k < 0 || k > n {
		return 0
	}
	r := 1.0
	for i := 1; i <= k; i++ {
		r = r * float64(n-k+i) / float64(i)
	}
	return math.Round(r)
}

// combinations returns every k-subset of 0..n-1, in lexicographic order.
func combinations(n, k int) [][]int {
	var out [][]int
	cur := make([]int, 0, k)
	var rec func(start int)
	rec = func(start int) {
		if len(cur) == k {
			out = append(out, append([]int(nil), cur...))
			return
		}
		for i := start; i <= n-(k-len(cur)); i++ {
			cur = append(cur, i)
			rec(i + 1)
			cur = cur[:len(cur)-1]
		}
	}
	rec(0)
	return out
}

func without(n int, idx []int) []int {
	skip := map[int]bool{}
	for _, i := range idx {
		skip[i] = true
	}
	var out []int
	for i := 0; i < n; i++ {
		if !skip[i] {
			out = append(out, i)
		}
	}
	return out
}

func pick(from, idx []int) []int {
	out := make([]int, len(idx))
	for i, j := range idx {
		out[i] = from[j]
	}
	return out
}
