package results

import (
	"math"
	"sort"
)

// Quantile returns the q-quantile (0 ≤ q ≤ 1) of sorted, ascending values
// by linear interpolation between closest ranks (Hyndman–Fan type 7): with
// n values, h = (n−1)·q, and the result lies between the values of ranks
// ⌊h⌋ and ⌈h⌉ (0-based). It is the one percentile definition perfgate uses,
// for p50, p95, p99 and medians alike. It returns NaN for no values.
func Quantile(sorted []float64, q float64) float64 {
	n := len(sorted)
	if n == 0 {
		return math.NaN()
	}
	if q <= 0 {
		return sorted[0]
	}
	if q >= 1 {
		return sorted[n-1]
	}
	h := float64(n-1) * q
	lo := math.Floor(h)
	i := int(lo)
	if i+1 >= n {
		return sorted[n-1]
	}
	return sorted[i] + (h-lo)*(sorted[i+1]-sorted[i])
}

// SortedCopy returns the values sorted ascending, leaving the input alone.
func SortedCopy(v []float64) []float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s
}

// Median returns the median of unsorted values.
func Median(v []float64) float64 { return Quantile(SortedCopy(v), 0.5) }
