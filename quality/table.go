package quality

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/perfgate/perfgate/internal/short"
)

// WriteTable writes the evaluation as a markdown table: per mode,
// condition, k and threshold, the alarm rate (false alarms for A/A,
// detection otherwise) overall and per gated metric, the number of
// comparisons and the mean wall time per verdict.
func WriteTable(w io.Writer, cells []Cell) error {
	var b strings.Builder
	builds := false
	for _, c := range cells {
		builds = builds || c.Builds > 0
	}
	if builds {
		b.WriteString("| mode | condition | builds/run | runs/side | allowed regression | comparisons | alarms (any metric) | circuit p95 | memory RSS | stream capacity | time/verdict |\n")
		b.WriteString("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	} else {
		b.WriteString("| mode | condition | runs/side | allowed regression | comparisons | alarms (any metric) | circuit p95 | memory RSS | stream capacity | time/verdict |\n")
		b.WriteString("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	}
	for _, c := range cells {
		th := c.Threshold.String()
		mode := "stored baseline"
		if c.Mode == ModeAB {
			mode = "A/B interleaved"
		}
		cond := c.Condition
		if c.AA() {
			cond = "A/A (false alarms)"
		}
		comps := strconv.Itoa(c.Comparisons)
		if c.Possible > c.Comparisons {
			comps += fmt.Sprintf(" of %d", c.Possible)
		}
		if c.Errors > 0 {
			comps += fmt.Sprintf(" (%d errors: %s)", c.Errors, short.Cut(c.FirstError, 61))
		}
		k := strconv.Itoa(c.K)
		if c.Adaptive {
			k = fmt.Sprintf("%d vs adaptive (mean %.1f)", c.K, c.MeanRuns)
			if c.Exhausted > 0 {
				k += fmt.Sprintf(", budget out %d×", c.Exhausted)
			}
		}
		rate := pct(c.Rate())
		if c.VerdictErrors > 0 {
			rate += fmt.Sprintf(" (%d errors)", c.VerdictErrors)
		}
		if builds {
			n := "as run"
			if c.Builds > 0 {
				n = strconv.Itoa(c.Builds)
			}
			cond += " | " + n
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |", mode, cond, k, th, comps, rate)
		for _, key := range GatedMetrics {
			cell := pct(c.MetricRate(key))
			if e, ok := c.Effect[key]; ok && targets(c.Kinds, key) {
				cell += fmt.Sprintf(" (made %+.0f %%)", e*100)
			}
			if !c.AA() && !targets(c.Kinds, key) {
				cell = "[" + cell + "]"
			}
			fmt.Fprintf(&b, " %s |", cell)
		}
		fmt.Fprintf(&b, " %s |\n", (time.Duration(c.VerdictS * float64(time.Second))).Round(100*time.Millisecond))
	}
	b.WriteString("\nA/A rows: the fraction of comparisons of the client against itself (disjoint runs per side) that failed the check (a regression, or an error verdict). " +
		"Injected rows: the fraction caught, and in parentheses the regression the injection really made (all injected runs against all A/A runs); " +
		"a metric the injection does not target is in brackets (a regression called there is a false alarm). " +
		"Time per verdict: the wall time of the runs a verdict needs (stored baseline: the current side's runs, each on a fresh network; A/B: the network's start and both sides' runs).\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func pct(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return fmt.Sprintf("%.1f %%", v*100)
}
