package check

import (
	"math"
	"sort"
)

// holm adjusts the p-values of the gated metrics with a change for
// multiple comparisons (Holm–Bonferroni) and marks them significant at
// alpha. Metrics that do not gate keep their raw p-value; a change
// without a test (NA) is never significant and is not one of the family.
func holm(ms []MetricResult, alpha float64) {
	var idx []int
	for i := range ms {
		if ms[i].Change == nil {
			continue
		}
		if ms[i].Change.NA != "" {
			ms[i].Change.PAdj, ms[i].Change.Significant = ms[i].Change.P, false
			continue
		}
		if !ms[i].Gated {
			ms[i].Change.PAdj = ms[i].Change.P
			ms[i].Change.Significant = ms[i].Change.P < alpha
			continue
		}
		idx = append(idx, i)
	}
	sort.SliceStable(idx, func(a, b int) bool { return ms[idx[a]].Change.P < ms[idx[b]].Change.P })
	m := len(idx)
	run := 0.0
	for r, i := range idx {
		adj := math.Min(1, float64(m-r)*ms[i].Change.P)
		run = math.Max(run, adj)
		ms[i].Change.PAdj = run
		ms[i].Change.Significant = run < alpha
	}
}
