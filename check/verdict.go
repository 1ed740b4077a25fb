package check

import (
	"errors"
	"fmt"
	"strings"
)

// A Verdict is the overall outcome of a comparison.
type Verdict string

// The three verdicts and their exit codes: 0, 1, 2.
const (
	VerdictPass       Verdict = "pass"
	VerdictRegression Verdict = "regression"
	VerdictError      Verdict = "error"
)

// ExitCode is the process exit code for the verdict.
func (v Verdict) ExitCode() int {
	switch v {
	case VerdictPass:
		return 0
	case VerdictRegression:
		return 1
	}
	return 2
}

// A Status is the outcome for one metric.
type Status string

// The statuses of a metric.
const (
	StatusPass         Status = "pass"
	StatusImproved     Status = "improved"
	StatusRegressed    Status = "regressed"
	StatusTargetMissed Status = "target_missed"
	StatusNoBaseline   Status = "no_baseline"
	StatusError        Status = "error"
)

// Words is the status in words: "target missed" for target_missed.
func (s Status) Words() string { return strings.ReplaceAll(string(s), "_", " ") }

// Err is the verdict as an error: nil for a pass, check.ErrRegression
// (wrapped, with what regressed) for a regression, and for an error the
// first gated metric's reason (or the headline).
func (r *Report) Err() error {
	switch r.Verdict {
	case VerdictPass:
		return nil
	case VerdictRegression:
		return fmt.Errorf("%w: %s", ErrRegression, strings.TrimPrefix(r.Headline(), "regression: "))
	}
	reason := r.Headline()
	for _, m := range r.Metrics {
		if m.Gated && m.Status == StatusError {
			reason = m.Key + " " + m.Reason
			break
		}
	}
	return errors.New(reason)
}

// Regressed reports whether the verdict is a regression (a gated metric
// regressed or missed its target).
func (r *Report) Regressed() bool { return r.Verdict == VerdictRegression }
