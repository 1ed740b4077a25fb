package check

import (
	"fmt"
	"io"
)

// chartData is what the markdown report draws: the circuit-build latencies
// of each side, pooled over its runs, in seconds. It is kept out of the
// JSON verdict (raw samples belong in results files), so a report
// re-rendered from a stored verdict has no charts.
type chartData struct {
	baseLatencies, curLatencies []float64
}

// newChartData pools the circuit-build latencies of both sides; baseline
// may be nil.
func newChartData(baseline, current *Results) *chartData {
	return &chartData{
		baseLatencies: pooledLatencies(baseline, BenchCircuitBuild),
		curLatencies:  pooledLatencies(current, BenchCircuitBuild),
	}
}

// pooledLatencies returns the latencies of the benchmark key over every run of r.
func pooledLatencies(r *Results, key string) []float64 {
	if r == nil {
		return nil
	}
	var out []float64
	for _, run := range r.Runs {
		for _, b := range run.Benchmarks {
			if b.Key == key {
				out = append(out, b.LatenciesS...)
			}
		}
	}
	return out
}

// minTrendRuns is how many runs a baseline must keep before the report
// draws the trend of the gated metrics: fewer are one measurement, not a
// history (perfgate baseline --keep-runs grows it).
const minTrendRuns = 4

// writeCharts writes the pictures of the markdown report: the circuit-build
// latency distribution, baseline against current, and, when the baseline
// keeps a history of runs, the trend of every gated metric over those runs.
// Each chart is bounded in size.
func writeCharts(w io.Writer, r *Report) error {
	if r.charts == nil {
		return nil
	}
	if len(r.charts.curLatencies) > 0 {
		if _, err := io.WriteString(w, "\n"); err != nil {
			return err
		}
		if err := WriteLatencyChart(w, r.charts.baseLatencies, r.charts.curLatencies); err != nil {
			return err
		}
	}
	if r.Baseline == nil || r.Baseline.Runs < minTrendRuns {
		return nil
	}
	g, _ := gated(r)
	var series []TrendSeries
	var labels []string
	for _, m := range g {
		if m.Baseline == nil || len(m.Baseline.RunValues) < minTrendRuns {
			continue
		}
		for len(labels) < len(m.Baseline.RunValues) {
			labels = append(labels, fmt.Sprintf("run-%d", len(labels)+1))
		}
		series = append(series, TrendSeries{Label: m.Label, Unit: m.Unit, Values: m.Baseline.RunValues})
	}
	if len(series) == 0 {
		return nil
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return err
	}
	return WriteTrendChart(w, labels, series)
}
