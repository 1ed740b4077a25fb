package report

import (
	"fmt"
	"io"

	"github.com/perfgate/perfgate/check"
)

// minTrendRuns is how many runs a baseline must keep before the report
// draws the trend of the gated metrics: fewer are one measurement, not a
// history (perfgate baseline --keep-runs grows it).
const minTrendRuns = 4

// writeCharts writes the pictures of the markdown report: the circuit-build
// latency distribution, baseline against current, and, when the baseline
// keeps a history of runs, the trend of every gated metric over those runs.
// Each chart is bounded in size.
func writeCharts(w io.Writer, r *check.Report) error {
	if r.Samples == nil {
		return nil
	}
	if len(r.Samples.CurLatencies) > 0 {
		if _, err := io.WriteString(w, "\n"); err != nil {
			return err
		}
		if err := WriteLatencyChart(w, r.Samples.BaseLatencies, r.Samples.CurLatencies); err != nil {
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
