package report

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/perfgate/perfgate/results"
)

// Mermaid charts for the markdown report. GitHub renders a ```mermaid block
// as a picture; perfgate uses xychart-beta, which has no legend, so every
// chart says in its title which mark is which side. Every chart is bounded
// in size whatever its input (a fixed set of quantiles, at most
// MaxTrendPoints points), so a report stays far below GitHub's
// 65 536-character limit for a comment.

// LatencyQuantiles are the quantiles the latency chart plots: p5 to p95 in
// steps of 5, and p99.
var LatencyQuantiles = []float64{.05, .10, .15, .20, .25, .30, .35, .40, .45, .50, .55, .60, .65, .70, .75, .80, .85, .90, .95, .99}

// MaxTrendPoints bounds the points of a trend chart: longer histories are
// cut into that many consecutive buckets, each drawn as its median.
const MaxTrendPoints = 30

// MaxChartBytes bounds the size of one chart as written, fences included.
const MaxChartBytes = 4096

// WriteLatencyChart writes a mermaid xychart of the circuit-build latency
// distribution (samples in seconds, pooled over each side's runs): its
// quantile curve from p5 to p99 in milliseconds, the baseline as bars and
// the current side as a line. base may be empty (no baseline: the line
// alone); when both are empty it writes nothing. NaN, infinite and negative
// samples are left out.
func WriteLatencyChart(w io.Writer, base, cur []float64) error {
	b, c := cleanSorted(base), cleanSorted(cur)
	if len(b) == 0 && len(c) == 0 {
		return nil
	}
	qb, qc := quantilesMS(b), quantilesMS(c)
	top := 0.0
	for _, v := range append(append([]float64(nil), qb...), qc...) {
		top = math.Max(top, v)
	}
	title := "Circuit build latency by percentile (ms): bars baseline (%d builds), line current (%d builds)"
	switch {
	case len(b) == 0:
		title = "Circuit build latency by percentile (ms): line current (%[2]d builds), no baseline"
	case len(c) == 0:
		title = "Circuit build latency by percentile (ms): bars baseline (%[1]d builds), no current samples"
	}
	var sb strings.Builder
	sb.WriteString("```mermaid\nxychart-beta\n")
	fmt.Fprintf(&sb, "    title %q\n", fmt.Sprintf(title, len(b), len(c)))
	labels := make([]string, len(LatencyQuantiles))
	for i, q := range LatencyQuantiles {
		labels[i] = "p" + strconv.Itoa(int(math.Round(q*100)))
	}
	fmt.Fprintf(&sb, "    x-axis [%s]\n", strings.Join(labels, ", "))
	fmt.Fprintf(&sb, "    y-axis \"ms\" 0 --> %s\n", chartNum(fineCeil(top)))
	if len(qb) > 0 {
		fmt.Fprintf(&sb, "    bar [%s]\n", chartNums(qb))
	}
	if len(qc) > 0 {
		fmt.Fprintf(&sb, "    line [%s]\n", chartNums(qc))
	}
	sb.WriteString("```\n")
	_, err := io.WriteString(w, sb.String())
	return err
}

// cleanSorted returns the plottable, non-negative latencies, sorted.
func cleanSorted(v []float64) []float64 {
	out := make([]float64, 0, len(v))
	for _, x := range v {
		if plottable(x*1000) && x >= 0 {
			out = append(out, x)
		}
	}
	sort.Float64s(out)
	return out
}

func quantilesMS(sorted []float64) []float64 {
	if len(sorted) == 0 {
		return nil
	}
	q := make([]float64, len(LatencyQuantiles))
	for i, p := range LatencyQuantiles {
		q[i] = results.Quantile(sorted, p) * 1000
	}
	return q
}
