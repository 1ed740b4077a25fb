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

// A TrendSeries is one metric's value in each run a baseline keeps, oldest
// first, in the metric's base unit (UnitSeconds, UnitBytes, UnitStreams…;
// the chart picks ms and MiB).
type TrendSeries struct {
	Label  string
	Unit   string
	Values []float64
}

// WriteTrendChart writes one mermaid xychart per series (the gated metrics
// over a baseline's kept runs): labels name the runs (a short commit SHA or
// a date; they are sanitised, any text is safe), one per value. Series
// with fewer than two finite values are skipped. With more than
// MaxTrendPoints runs, consecutive runs are bucketed and each bucket drawn
// as its median, labelled with its last run.
func WriteTrendChart(w io.Writer, labels []string, series []TrendSeries) error {
	var sb strings.Builder
	for _, s := range series {
		n := len(s.Values)
		scale, unit := displayUnit(s.Unit)
		var xs []string
		var ys []float64
		buckets := min(n, MaxTrendPoints)
		for k := 0; k < buckets; k++ {
			lo, hi := k*n/buckets, (k+1)*n/buckets
			var vals []float64
			for _, v := range s.Values[lo:hi] {
				if plottable(v / scale) {
					vals = append(vals, v)
				}
			}
			if len(vals) == 0 {
				continue
			}
			sort.Float64s(vals)
			ys = append(ys, results.Quantile(vals, 0.5)/scale)
			label := ""
			if hi-1 < len(labels) {
				label = chartLabel(labels[hi-1])
			}
			if label == "" {
				label = "run " + strconv.Itoa(hi)
			}
			xs = append(xs, strconv.Quote(label))
		}
		if len(ys) < 2 {
			continue
		}
		lo, hi := ys[0], ys[0]
		for _, v := range ys {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		// A y-axis from a little below the lowest to a little above the
		// highest value shows the trend; from 0 it would be a flat line.
		pad := (hi - lo) * 0.2
		if pad == 0 {
			pad = math.Max(math.Abs(hi)*0.05, 1)
		}
		ymin, ymax := math.Max(0, niceFloor(lo-pad)), fineCeil(hi+pad)
		title := fmt.Sprintf("%s (%s) in the baseline's last %d runs", chartTitle(s.Label), unit, n)
		if n > buckets {
			title += fmt.Sprintf(", medians of %d buckets", len(ys))
		}
		sb.WriteString("```mermaid\nxychart-beta\n")
		fmt.Fprintf(&sb, "    title %q\n", title)
		fmt.Fprintf(&sb, "    x-axis [%s]\n", strings.Join(xs, ", "))
		fmt.Fprintf(&sb, "    y-axis %q %s --> %s\n", unit, chartNum(ymin), chartNum(ymax))
		fmt.Fprintf(&sb, "    line [%s]\n", chartNums(ys))
		sb.WriteString("```\n")
	}
	_, err := io.WriteString(w, sb.String())
	return err
}

// plottable reports whether a value in display units can be drawn: finite
// and below 10¹⁵ in magnitude (anything beyond is an absurd value, like an
// unsigned underflow, and would only flatten the chart).
func plottable(v float64) bool {
	return !math.IsNaN(v) && math.Abs(v) < 1e15
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

// displayUnit returns the divisor and name of the unit a chart shows.
func displayUnit(unit string) (float64, string) {
	switch unit {
	case results.UnitSeconds:
		return 1e-3, "ms"
	case results.UnitBytes:
		return results.MiB, "MiB"
	case "":
		return 1, "value"
	}
	return 1, chartTitle(unit)
}

// chartNum formats a value with at most 4 significant digits (and no
// exponent, which mermaid does not read).
func chartNum(v float64) string {
	if v == 0 || !plottable(v) {
		return "0"
	}
	digits := 3 - int(math.Floor(math.Log10(math.Abs(v))))
	digits = max(0, min(digits, 6))
	s := strconv.FormatFloat(v, 'f', digits, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

func chartNums(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = chartNum(x)
	}
	return strings.Join(s, ", ")
}

// fineCeil rounds up to a multiple of a power of ten one decade below v.
func fineCeil(v float64) float64 {
	if v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v))-1)
	return math.Ceil(v/p) * p
}

// niceFloor rounds down to a multiple of a power of ten one decade below v.
func niceFloor(v float64) float64 {
	if v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	p := math.Pow(10, math.Floor(math.Log10(v))-1)
	return math.Floor(v/p) * p
}

// chartLabel makes a run label safe inside a quoted mermaid string and a
// markdown code fence: letters, digits and . _ : / + - kept, anything else
// (quotes, backticks, brackets, HTML, @, #, ;) becomes '-', at most 12
// characters.
func chartLabel(s string) string { return sanitise(s, 12, "._:/+-") }

// chartTitle is chartLabel for titles: also spaces, % and parentheses, at
// most 60 characters.
func chartTitle(s string) string { return sanitise(s, 60, "._:/+- %()") }

func sanitise(s string, n int, extra string) string {
	var b strings.Builder
	count := 0
	dash := false
	for _, r := range s {
		if count >= n {
			break
		}
		ok := r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(extra, r))
		if !ok {
			if dash {
				continue
			}
			r, dash = '-', true
		} else {
			dash = false
		}
		b.WriteRune(r)
		count++
	}
	return strings.TrimSpace(b.String())
}
