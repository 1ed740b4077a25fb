package check

import (
	"math"
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
