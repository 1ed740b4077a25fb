package check

import (
	"fmt"
	"strings"

	"github.com/perfgate/perfgate/internal/short"
)

// Headline is one line (at most 140 characters) for a commit status: the
// failing metrics, or the verdict and the gated changes.
func (r *Report) Headline() string {
	var parts []string
	for _, m := range r.Metrics {
		if !m.Gated {
			continue
		}
		switch {
		case r.Verdict == VerdictPass:
			parts = append(parts, shortChange(m))
		case m.Status == StatusRegressed || m.Status == StatusTargetMissed || m.Status == StatusError:
			parts = append(parts, fmt.Sprintf("%s (%s)", shortChange(m), m.Status.Words()))
		}
	}
	h := string(r.Verdict)
	if len(parts) > 0 {
		h += ": " + strings.Join(parts, ", ")
	}
	return short.Cut(h, 140)
}

func shortChange(m MetricResult) string {
	name := m.Label
	switch {
	case m.Change != nil:
		return fmt.Sprintf("%s %s", name, FormatPct(m.Change.Rel))
	case m.Current != nil:
		return fmt.Sprintf("%s %s", name, FormatValue(m.Current.Value, m.Unit))
	}
	return name + " missing"
}
