package check

import (
	"fmt"
	"strings"

	"github.com/perfgate/perfgate/internal/short"
)

// StoredComparison describes a comparison with a stored baseline for
// Report.Comparison, from the report's sides: e.g. "stored baseline
// baselines/default.json (3 runs, recorded 2026-11-25, commit 1a2b3c4)",
// or "no baseline: absolute targets only".
func StoredComparison(r *Report) string {
	if r.Baseline == nil {
		return "no baseline: absolute targets only"
	}
	bl := r.Baseline
	var parts []string
	parts = append(parts, fmt.Sprintf("%d run%s", bl.Runs, map[bool]string{true: "", false: "s"}[bl.Runs == 1]))
	if bl.CreatedAt != nil && !bl.CreatedAt.IsZero() {
		parts = append(parts, "recorded "+bl.CreatedAt.UTC().Format("2006-01-02"))
	}
	if bl.Commit != "" {
		parts = append(parts, "commit "+short.Commit(bl.Commit))
	}
	if bl.Environment.CPUModel != "" {
		parts = append(parts, "on "+bl.Environment.CPUModel)
	}
	path := bl.Path
	if path == "" {
		path = "(unnamed)"
	}
	return fmt.Sprintf("stored baseline %s (%s)", path, strings.Join(parts, ", "))
}

// SetStored names the files of a comparison with a stored baseline
// (SetPaths) and sets the comparison line that describes that baseline
// (StoredComparison).
func (r *Report) SetStored(baselinePath, resultsPath string) {
	r.SetPaths(baselinePath, resultsPath)
	r.Comparison = StoredComparison(r)
}

// SetPaths records the files the sides came from, and the command that
// creates the baseline when there was none.
func (r *Report) SetPaths(baselinePath, resultsPath string) {
	r.Current.Path = resultsPath
	if r.Baseline != nil {
		r.Baseline.Path = baselinePath
		r.BaselineCommand = ""
		return
	}
	out := baselinePath
	if out == "" {
		out = "baselines/default.json"
	}
	r.BaselineCommand = fmt.Sprintf("perfgate baseline --results %s --out %s", shellQuote(resultsPath), shellQuote(out))
}

func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(c rune) bool {
		return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_./+=:,@", c))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
