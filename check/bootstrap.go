package check

import (
	"math"
	"math/rand/v2"
	"sort"

	"github.com/perfgate/perfgate/results"
)

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
