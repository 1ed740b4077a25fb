package check

import (
	"testing"
)

func metricOf(t testing.TB, r *Report, key string) MetricResult {
	t.Helper()
	for _, m := range r.Metrics {
		if m.Key == key {
			return m
		}
	}
	t.Fatalf("metric %s not in report", key)
	return MetricResult{}
}

// combinations returns every k-subset of items, in order.
func combinations(items []int, k int) [][]int {
	if k == 0 {
		return [][]int{{}}
	}
	if len(items) < k {
		return nil
	}
	var out [][]int
	for _, rest := range combinations(items[1:], k-1) {
		out = append(out, append([]int{items[0]}, rest...))
	}
	return append(out, combinations(items[1:], k)...)
}
