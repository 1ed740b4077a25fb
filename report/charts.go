package report

import (
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/internal/short"
	"github.com/perfgate/perfgate/results"
)

// minTrendRuns is how many runs a baseline must keep before the report
// draws the trend of the gated metrics: fewer are one measurement, not a
// history (perfgate baseline --keep-runs grows it).
const minTrendRuns = 4

// writeCharts writes the pictures of the markdown report: the circuit-build
// latency distribution, baseline against current, and the trend of every
// gated metric: over the default branch's commits when the report has a
// Trend (writeCommitTrend), else, when the baseline keeps a history of
// runs, over those runs. Each chart is bounded in size.
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
	if r.Trend != nil && len(r.Trend.Points) >= 2 {
		return writeCommitTrend(w, r)
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

// writeCommitTrend writes a chart per gated metric over r.Trend's commits,
// labelled by short SHA: each commit's median run with its lowest and
// highest, and the current side's (its runs' median, lowest and highest)
// as the last point, labelled r.Trend.Current. A commit without the
// metric is left out of that metric's chart.
func writeCommitTrend(w io.Writer, r *check.Report) error {
	t := r.Trend
	labels := make([]string, 0, len(t.Points)+1)
	for _, p := range t.Points {
		labels = append(labels, short.Commit(p.Commit))
	}
	current := t.Current
	if current == "" {
		current = "current"
	}
	labels = append(labels, current)
	g, _ := gated(r)
	var series []TrendSeries
	for _, m := range g {
		s := TrendSeries{Label: m.Label, Unit: m.Unit,
			Over: fmt.Sprintf("on %s: last %d commits then %s", t.Branch, len(t.Points), current)}
		for _, p := range t.Points {
			med, lo, hi := spreadOf(p.Values[m.Key])
			s.Values, s.Lo, s.Hi = append(s.Values, med), append(s.Lo, lo), append(s.Hi, hi)
		}
		var cur []float64
		if m.Current != nil {
			cur = m.Current.RunValues
		}
		med, lo, hi := spreadOf(cur)
		s.Values, s.Lo, s.Hi = append(s.Values, med), append(s.Lo, lo), append(s.Hi, hi)
		series = append(series, s)
	}
	if len(series) == 0 {
		return nil
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return err
	}
	return WriteTrendChart(w, labels, series)
}

// spreadOf is the median, lowest and highest of runs' values; NaN for
// none (a point the chart leaves out).
func spreadOf(runs []float64) (med, lo, hi float64) {
	if len(runs) == 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	v := slices.Sorted(slices.Values(runs))
	return results.Quantile(v, 0.5), v[0], v[len(v)-1]
}
