package check

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// The significance tests a comparison can use over the runs' values
// (Config.Test).
const (
	// TestWelch is Welch's t-test on the logarithms of the runs' values
	// from two runs per side (a ratio of medians, unequal variances,
	// Welch–Satterthwaite degrees of freedom); with one run on a side the
	// bootstrap over that run's samples decides.
	TestWelch = "welch"
	// TestRank is the former rule: the bootstrap over runs below
	// MinRunsForRankTest runs per side, the Mann–Whitney U test from there.
	TestRank = "rank"
)

// welchLogP returns the two-sided p-value of Welch's t-test on the logs of
// a and b (each at least two values, all positive); ok is false when the
// test does not apply: too few or non-positive values, or no variance on
// either side (the noise cannot be measured from the runs).
//
// Why logs: the gate's changes are ratios, and run-level latencies and
// memory are right-skewed; on the log scale a slowdown by a factor is a
// shift, and the spread of the runs of a side is about the same in both.
// Why Welch: with 2–4 runs per side a bootstrap over the runs has too few
// distinct resamples to be calibrated, and a rank test cannot reach
// significance at all (its smallest two-sided p with 3+3 runs is 0.1).
func welchLogP(a, b []float64) (p float64, ok bool) {
	if len(a) < 2 || len(b) < 2 {
		return 1, false
	}
	ma, va, okA := logMeanVar(a)
	mb, vb, okB := logMeanVar(b)
	if !okA || !okB {
		return 1, false
	}
	na, nb := float64(len(a)), float64(len(b))
	sa, sb := va/na, vb/nb
	se2 := sa + sb
	if !(se2 > 0) {
		return 1, false
	}
	t := (mb - ma) / math.Sqrt(se2)
	df := se2 * se2 / (sa*sa/(na-1) + sb*sb/(nb-1))
	// P(|T| > |t|) for Student's t with df degrees of freedom.
	return mathext.RegIncBeta(df/2, 0.5, df/(df+t*t)), true
}

// logMeanVar returns the mean and the sample variance of the logs of xs.
func logMeanVar(xs []float64) (mean, variance float64, ok bool) {
	ls := make([]float64, len(xs))
	for i, x := range xs {
		if !(x > 0) || math.IsInf(x, 0) {
			return 0, 0, false
		}
		ls[i] = math.Log(x)
		mean += ls[i]
	}
	mean /= float64(len(ls))
	for _, l := range ls {
		variance += (l - mean) * (l - mean)
	}
	return mean, variance / float64(len(ls)-1), true
}
