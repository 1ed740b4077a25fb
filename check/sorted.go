package check

import "sort"

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
