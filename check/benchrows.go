package check

import (
	"fmt"
	"math"
	"sort"

	"github.com/perfgate/perfgate/internal/short"
	"github.com/perfgate/perfgate/results"
)

// benchmarkRows summarises every benchmark of r, flagging implausible
// additional metrics (left out) in the warnings.
func benchmarkRows(r *results.Results, warnings []string, cache sampleCache) ([]BenchmarkRow, []string) {
	var order []string
	byKey := map[string][]*results.Benchmark{}
	for i := range r.Runs {
		for j := range r.Runs[i].Benchmarks {
			b := &r.Runs[i].Benchmarks[j]
			if _, ok := byKey[b.Key]; !ok {
				order = append(order, b.Key)
			}
			byKey[b.Key] = append(byKey[b.Key], b)
		}
	}
	rows := make([]BenchmarkRow, 0, len(order))
	flagged := map[string]bool{}
	for _, k := range order {
		bs := byKey[k]
		row := BenchmarkRow{Key: k, Name: bs[0].Name, Runs: len(bs)}
		var lats [][]float64
		var ops, mem, p50, p95, p99, mx []float64
		extra := map[string][]float64{}
		for _, b := range bs {
			if b.Success && b.Error == "" {
				row.Succeeded++
			}
			if b.Error != "" {
				row.Errors = append(row.Errors, short.Line(b.Error, 201))
			}
			row.Operations += b.TotalOperations
			row.Failures += b.Failures
			ops = append(ops, b.OperationsPerSec)
			mem = append(mem, float64(b.MemoryInUse))
			if sorted, ok := cache[sampleKey{b, "lat"}]; ok {
				lats = append(lats, sorted)
			} else if len(b.LatenciesS) > 0 {
				var l []float64
				for _, v := range b.LatenciesS {
					if results.Plausible(results.UnitSeconds, v) {
						l = append(l, v)
					}
				}
				sort.Float64s(l)
				lats = append(lats, l)
			}
			p50, p95, p99, mx = append(p50, b.P50S), append(p95, b.P95S), append(p99, b.P99S), append(mx, b.MaxS)
			for ek, ev := range b.Metrics {
				if !results.PlausibleExtra(ek, ev) {
					id := k + "." + ek
					if !flagged[id] {
						flagged[id] = true
						shown := fmtFloat(ev)
						if u := results.UnitOfExtra(ek); u != "" && !math.IsNaN(ev) && !math.IsInf(ev, 0) {
							shown = FormatValue(ev, u)
						}
						warnings = append(warnings, fmt.Sprintf("%s: %s = %s is implausible (a measurement bug such as an unsigned underflow); left out", k, ek, shown))
					}
					continue
				}
				extra[ek] = append(extra[ek], ev)
			}
		}
		lat := mergeSorted(lats)
		row.Samples = len(lat)
		if len(lat) > 0 {
			row.P50S, row.P95S, row.P99S, row.MaxS = results.Quantile(lat, 0.5), results.Quantile(lat, 0.95), results.Quantile(lat, 0.99), lat[len(lat)-1]
		} else {
			row.P50S, row.P95S, row.P99S, row.MaxS = results.Median(p50), results.Median(p95), results.Median(p99), results.Median(mx)
		}
		row.OpsPerSec, row.MemoryInUse = results.Median(ops), results.Median(mem)
		if len(extra) > 0 {
			row.Extra = map[string]float64{}
			for ek, ev := range extra {
				row.Extra[ek] = results.Median(ev)
			}
		}
		rows = append(rows, row)
	}
	return rows, warnings
}
