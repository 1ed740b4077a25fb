package check

import (
	"math"
	"math/rand/v2"
	"sort"

	"github.com/perfgate/perfgate/results"
)

// A side is one side's runs of one metric, ready for resampling.
type side struct {
	runs  []runMetric
	agg   results.Aggregation
	q     float64
	all   []float64 // every sample of every run, sorted (pooled only)
	withS bool      // every run has samples
	memo  map[uint64]float64
}

func newSide(runs []runMetric, m results.Metric) *side {
	s := &side{runs: runs, agg: m.Agg, q: m.Q, withS: true}
	for _, r := range runs {
		if r.samples == nil {
			s.withS = false
		}
	}
	if s.agg == results.PooledQuantile && s.withS {
		rs := make([][]float64, len(runs))
		for i, r := range runs {
			rs[i] = r.samples
		}
		s.all = mergeSorted(rs)
	}
	return s
}

// value is the side's point value: the quantile of the pooled samples, or
// the median of the runs' values.
func (s *side) value() float64 {
	if s.agg == results.PooledQuantile && s.withS {
		return results.Quantile(s.all, s.q)
	}
	v := make([]float64, len(s.runs))
	for i, r := range s.runs {
		v[i] = r.value
	}
	return results.Median(v)
}

func (s *side) samples() int {
	n := 0
	for _, r := range s.runs {
		n += len(r.samples)
	}
	return n
}

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

// weightedQuantile is the s.q-quantile (closest rank) of the runs weighted by w.
func (s *side) weightedQuantile(w []int, n int) float64 {
	target := float64(int(math.Round(float64(n-1)*s.q)) + 1)
	i := sort.Search(len(s.all), func(i int) bool {
		v := s.all[i]
		c := 0
		for j, r := range s.runs {
			if w[j] > 0 {
				c += w[j] * upperBound(r.samples, v)
			}
		}
		return float64(c) >= target
	})
	if i >= len(s.all) {
		i = len(s.all) - 1
	}
	return s.all[i]
}

// mergeSorted merges sorted slices into one new sorted slice.
func mergeSorted(s [][]float64) []float64 {
	switch len(s) {
	case 0:
		return nil
	case 1:
		return append([]float64(nil), s[0]...)
	}
	h := len(s) / 2
	a, b := mergeSorted(s[:h]), mergeSorted(s[h:])
	out := make([]float64, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if a[i] <= b[j] {
			out = append(out, a[i])
			i++
		} else {
			out = append(out, b[j])
			j++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

// upperBound is the number of values ≤ v in sorted.
func upperBound(sorted []float64, v float64) int {
	return sort.Search(len(sorted), func(i int) bool { return sorted[i] > v })
}

// betaVariate draws from Beta(a, b) for a, b ≥ 1.
func betaVariate(rng *rand.Rand, a, b float64) float64 {
	x := gammaVariate(rng, a)
	y := gammaVariate(rng, b)
	return x / (x + y)
}

// gammaVariate draws from Gamma(a, 1) for a ≥ 1 (Marsaglia and Tsang).
func gammaVariate(rng *rand.Rand, a float64) float64 {
	d := a - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := rng.Float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v
		}
	}
}

// bootResult is the outcome of bootstrapping a change.
type bootResult struct {
	lo, hi float64 // confidence interval of the relative change
	p      float64 // two-sided p-value of no change
}

// bootstrap resamples both sides and returns the interval of the relative
// change current/baseline − 1 and the p-value of "no change".
func bootstrap(base, cur *side, better results.Direction, resamples int, confidence float64, seed uint64) bootResult {
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	wb := make([]int, len(base.runs))
	wc := make([]int, len(cur.runs))
	vals := make([]float64, 0, max(len(base.runs), len(cur.runs)))
	rel := make([]float64, 0, resamples)
	worse, better0 := 0, 0
	for range resamples {
		b := base.resample(rng, wb, vals)
		c := cur.resample(rng, wc, vals)
		if b == 0 {
			continue
		}
		r := c/b - 1
		rel = append(rel, r)
		wr := r
		if better == results.HigherIsBetter {
			wr = -r
		}
		if wr <= 0 {
			better0++ // not worse
		}
		if wr >= 0 {
			worse++ // not better
		}
	}
	if len(rel) == 0 {
		return bootResult{lo: math.NaN(), hi: math.NaN(), p: 1}
	}
	sort.Float64s(rel)
	a := (1 - confidence) / 2
	n := float64(len(rel))
	pw := (1 + float64(better0)) / (n + 1)
	pb := (1 + float64(worse)) / (n + 1)
	return bootResult{lo: results.Quantile(rel, a), hi: results.Quantile(rel, 1-a), p: math.Min(1, 2*math.Min(pw, pb))}
}
