package check

import (
	"math"
	"math/rand/v2"
	"sort"

	"github.com/perfgate/perfgate/results"
)

// resample draws the side's value from one bootstrap resample. The runs
// are drawn with replacement: the run, not the sample, is the unit of
// replication. Samples are drawn within runs only when the side has a
// single run — then the noise between runs is unknown and the noise
// within the run is all there is; with several runs, resampling the
// samples too would count the within-run noise twice (the runs' values
// already carry it). The order statistic of a within-run resample is
// drawn directly (the k-th of N uniform draws is Beta(k, N−k+1)), which
// costs O(log N) instead of O(N). Values of run-only resamples depend only
// on how often each run was drawn, so they are memoised.
func (s *side) resample(rng *rand.Rand, w []int, vals []float64) float64 {
	k := len(s.runs)
	for i := range w[:k] {
		w[i] = 0
	}
	for range k {
		w[rng.IntN(k)]++
	}
	within := k == 1
	key, memo := memoKey(w[:k])
	if memo && !within {
		if v, ok := s.memo[key]; ok {
			return v
		}
	}
	var v float64
	switch {
	case s.agg == results.PooledQuantile && s.withS:
		n := 0
		for i, r := range s.runs {
			n += w[i] * len(r.samples)
		}
		if within {
			return orderStat(rng, s.all, s.q)
		}
		v = s.weightedQuantile(w, n)
	default:
		vals = vals[:0]
		for i, r := range s.runs {
			for range w[i] {
				x := r.value
				if within && len(r.samples) > 1 {
					x = orderStat(rng, r.samples, 0.5)
				}
				vals = append(vals, x)
			}
		}
		if within {
			return vals[0]
		}
		sort.Float64s(vals)
		v = results.Quantile(vals, 0.5)
	}
	if memo {
		if s.memo == nil {
			s.memo = map[uint64]float64{}
		}
		s.memo[key] = v
	}
	return v
}

// memoKey encodes draw counts in base k+1; ok is false when they do not
// fit in 64 bits (more than 15 runs), and then nothing is memoised.
func memoKey(w []int) (key uint64, ok bool) {
	k := uint64(len(w))
	if k > 15 {
		return 0, false
	}
	for _, x := range w {
		key = key*(k+1) + uint64(x)
	}
	return key, true
}

// orderStat draws the q-quantile of a resample of sorted.
func orderStat(rng *rand.Rand, sorted []float64, q float64) float64 {
	n := len(sorted)
	k := int(math.Round(float64(n-1)*q)) + 1
	u := betaVariate(rng, float64(k), float64(n-k+1))
	i := int(math.Ceil(u*float64(n))) - 1
	i = max(0, min(n-1, i))
	return sorted[i]
}
