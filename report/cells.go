package report

import (
	"fmt"
	"strings"

	"github.com/perfgate/perfgate/check"
)

// Cells shared by the markdown and terminal tables. They hold only text
// perfgate makes (labels, numbers); renderers escape anything else.

func cellValue(v *check.SideValue, unit string) string {
	if v == nil {
		return "–"
	}
	return check.FormatValue(v.Value, unit)
}

func cellChange(m check.MetricResult, long bool) string {
	if m.Change == nil {
		if m.Baseline != nil && m.Current != nil {
			return signedDiff(m.Current.Value-m.Baseline.Value, m.Unit)
		}
		return "–"
	}
	c := m.Change
	s := check.FormatPct(c.Rel)
	if !long {
		return s
	}
	if c.NA != "" {
		return fmt.Sprintf("%s (n/a: %s; %s)", s, c.NA, counts(m))
	}
	return fmt.Sprintf("%s (CI %s … %s, %s; %s)", s, check.FormatPct(c.Lo), check.FormatPct(c.Hi), check.FormatP(c.PAdj), counts(m))
}

// counts is "3+3 runs, 300+300 samples".
func counts(m check.MetricResult) string {
	s := fmt.Sprintf("%d+%d runs", m.Baseline.Runs, m.Current.Runs)
	if m.Baseline.Samples > 0 || m.Current.Samples > 0 {
		s += fmt.Sprintf(", %d+%d samples", m.Baseline.Samples, m.Current.Samples)
	}
	return s
}

// signedDiff renders an absolute change with its sign, the minus sign
// being the one percentages use (fmtPct).
func signedDiff(d float64, unit string) string {
	s := check.FormatValue(d, unit)
	switch {
	case d > 0:
		s = "+" + s
	case strings.HasPrefix(s, "-"):
		s = "−" + s[1:]
	}
	return s
}

func cellTarget(m check.MetricResult) string {
	if m.Target <= 0 {
		return "–"
	}
	return m.TargetOp() + " " + check.FormatValue(m.Target, m.Unit)
}

var statusIcon = map[check.Status]string{
	check.StatusPass:         "✅",
	check.StatusImproved:     "🟢",
	check.StatusRegressed:    "❌",
	check.StatusTargetMissed: "❌",
	check.StatusNoBaseline:   "⚪",
	check.StatusError:        "⚠️",
}

func cellStatus(m check.MetricResult, icons bool) string {
	s := m.Status.Words()
	if m.Status == check.StatusNoBaseline && m.TargetMet != nil && *m.TargetMet {
		// Without a baseline the target is all a gated metric is held to:
		// say that it holds.
		s = "target met, " + s
	}
	if !m.Gated {
		s += " (not gated)"
	}
	if icons {
		return statusIcon[m.Status] + " " + s
	}
	return s
}

func verdictLine(r *check.Report) string {
	switch r.Verdict {
	case check.VerdictPass:
		if r.Baseline == nil {
			return "pass (no baseline: targets only)"
		}
		return "pass"
	case check.VerdictRegression:
		var names []string
		for _, m := range r.Metrics {
			if m.Gated && (m.Status == check.StatusRegressed || m.Status == check.StatusTargetMissed) {
				names = append(names, m.Label+" "+m.Status.Words())
			}
		}
		return "regression: " + strings.Join(names, ", ")
	}
	return "error"
}

// gatedAndReported splits the metrics.
func gated(r *check.Report) (g, other []check.MetricResult) {
	for _, m := range r.Metrics {
		if m.Gated {
			g = append(g, m)
		} else {
			other = append(other, m)
		}
	}
	return g, other
}

const memoryUnitNote = "Memory is in binary units: 1 MiB = 2^20 bytes; the seed's \"50 MB\" target is 50 MiB (go-tor's MB)."
