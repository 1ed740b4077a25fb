package check

import (
	"fmt"
	"math"
	"strings"

	"github.com/perfgate/perfgate/results"
)

// decide sets a metric's status and reason from its values, change and
// target.
func decide(m *MetricResult) {
	if m.Status == StatusError {
		return
	}
	var regressed, improved bool
	var why string
	if m.Change != nil {
		worse := m.Change.Rel
		absWorse := m.Current.Value - m.Baseline.Value
		if m.Better == results.HigherIsBetter {
			worse, absWorse = -worse, -absWorse
		}
		beyond := func(w, a float64) bool {
			return w > m.AllowedPct/100 && (m.AllowedAbs == 0 || a > m.AllowedAbs)
		}
		// Without a test (the noise cannot be measured), the allowance
		// alone decides.
		na := m.Change.NA
		switch {
		case na != "" && beyond(worse, absWorse):
			regressed = true
			why = fmt.Sprintf("%s worse than the baseline, beyond the allowed %s %%; the noise cannot be measured (n/a: %s), so the allowance alone decides", fmtPctAbs(worse), FormatFloat(m.AllowedPct, 1), na)
		case na != "" && beyond(-worse, -absWorse):
			improved = true
			why = fmt.Sprintf("%s better than the baseline, beyond the allowed %s %%; the noise cannot be measured (n/a: %s), so the allowance alone decides", fmtPctAbs(-worse), FormatFloat(m.AllowedPct, 1), na)
		case na != "":
			why = fmt.Sprintf("within the allowed %s %% (no significance test, n/a: %s)", FormatFloat(m.AllowedPct, 1), na)
		case beyond(worse, absWorse) && m.Change.Significant:
			regressed = true
			why = fmt.Sprintf("%s worse than the baseline, beyond the allowed %s %% and the noise (%s)", fmtPctAbs(worse), FormatFloat(m.AllowedPct, 1), FormatP(m.Change.PAdj))
		case beyond(worse, absWorse):
			why = fmt.Sprintf("%s worse, beyond the allowed %s %% but within the noise of the runs (%s)", fmtPctAbs(worse), FormatFloat(m.AllowedPct, 1), FormatP(m.Change.PAdj))
		case beyond(-worse, -absWorse) && m.Change.Significant:
			improved = true
			why = fmt.Sprintf("%s better than the baseline (%s)", fmtPctAbs(-worse), FormatP(m.Change.PAdj))
		default:
			why = fmt.Sprintf("within the allowed %s %%", FormatFloat(m.AllowedPct, 1))
		}
	}
	targetMissed := m.TargetMet != nil && !*m.TargetMet
	switch {
	case targetMissed:
		m.Status = StatusTargetMissed
		t := fmt.Sprintf("%s misses the target %s %s", FormatValue(m.Current.Value, m.Unit), m.TargetOp(), FormatValue(m.Target, m.Unit))
		if why != "" {
			t += "; " + why
		}
		m.Reason = t
	case m.Baseline == nil:
		m.Status = StatusNoBaseline
		m.Reason = "no baseline value to compare with"
		if m.TargetMet != nil {
			m.Reason += "; meets its target"
		}
	case regressed:
		m.Status, m.Reason = StatusRegressed, why
	case improved:
		m.Status, m.Reason = StatusImproved, why
	default:
		m.Status = StatusPass
		m.Reason = why
		if m.Change == nil {
			m.Reason = "no relative change (zero or signed baseline)"
		}
	}
}

func fmtPctAbs(f float64) string {
	return strings.TrimPrefix(FormatFloat(math.Abs(f)*100, 1), "-") + " %"
}
