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

// A TrendSeries is one metric's value in each run a baseline keeps, or at
// each commit of a history, oldest first, in the metric's base unit
// (UnitSeconds, UnitBytes, UnitStreams…; the chart picks ms and MiB).
type TrendSeries struct {
	Label  string
	Unit   string
	Values []float64
	// Lo and Hi, when both have one value per value, are each point's
	// spread (a commit's fastest and slowest run): drawn as two more
	// lines, and a bucket's spread is its lowest Lo and highest Hi.
	Lo, Hi []float64
	// Over says in the title what the points are, e.g. "on main, the
	// last 20 commits and PR 12" (sanitised); empty: "in the baseline's
	// last N runs".
	Over string
}

// spread reports whether s has a spread to draw.
func (s TrendSeries) spread() bool {
	return len(s.Lo) == len(s.Values) && len(s.Hi) == len(s.Values)
}

// WriteTrendChart writes one mermaid xychart per series (the gated metrics
// over a baseline's kept runs, or over the commits of a history): labels
// name the points (a short commit SHA or a date; they are sanitised, any
// text is safe), one per value. Series with fewer than two finite values
// are skipped. With more than MaxTrendPoints points, consecutive points
// are bucketed and each bucket drawn as its median, labelled with its last
// point. A series with a spread (Lo, Hi) gets two more lines, its low and
// its high.
func WriteTrendChart(w io.Writer, labels []string, series []TrendSeries) error {
	var sb strings.Builder
	for _, s := range series {
		n := len(s.Values)
		scale, unit := displayUnit(s.Unit)
		var xs []string
		var ys, los, his []float64
		spread := s.spread()
		buckets := min(n, MaxTrendPoints)
		for k := 0; k < buckets; k++ {
			lo, hi := k*n/buckets, (k+1)*n/buckets
			var vals []float64
			bLo, bHi := math.Inf(1), math.Inf(-1)
			for i, v := range s.Values[lo:hi] {
				if !plottable(v / scale) {
					continue
				}
				if spread {
					l, h := s.Lo[lo+i], s.Hi[lo+i]
					if !plottable(l/scale) || !plottable(h/scale) {
						continue
					}
					bLo, bHi = math.Min(bLo, math.Min(l, v)), math.Max(bHi, math.Max(h, v))
				}
				vals = append(vals, v)
			}
			if len(vals) == 0 {
				continue
			}
			sort.Float64s(vals)
			ys = append(ys, results.Quantile(vals, 0.5)/scale)
			if spread {
				los, his = append(los, bLo/scale), append(his, bHi/scale)
			}
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
		for _, v := range append(append(append([]float64(nil), ys...), los...), his...) {
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
		if s.Over != "" {
			title = fmt.Sprintf("%s (%s) %s", chartTitle(s.Label), unit, chartTitle(s.Over))
		}
		if n > buckets {
			title += fmt.Sprintf(", medians of %d buckets", len(ys))
		}
		if spread {
			title += ": lines median, lowest and highest run"
		}
		sb.WriteString("```mermaid\nxychart-beta\n")
		fmt.Fprintf(&sb, "    title %q\n", title)
		fmt.Fprintf(&sb, "    x-axis [%s]\n", strings.Join(xs, ", "))
		fmt.Fprintf(&sb, "    y-axis %q %s --> %s\n", unit, chartNum(ymin), chartNum(ymax))
		fmt.Fprintf(&sb, "    line [%s]\n", chartNums(ys))
		if spread {
			fmt.Fprintf(&sb, "    line [%s]\n", chartNums(los))
			fmt.Fprintf(&sb, "    line [%s]\n", chartNums(his))
		}
		sb.WriteString("```\n")
	}
	_, err := io.WriteString(w, sb.String())
	return err
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
