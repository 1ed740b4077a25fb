package action

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/perfgate/perfgate/changepoint"
	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/history"
	"github.com/perfgate/perfgate/internal/short"
	"github.com/perfgate/perfgate/report"
	"github.com/perfgate/perfgate/results"
)

// RecentEntries is how recent a step change must be for mode baseline to
// report it: its first commit is among the newest RecentEntries commits of
// the metric's series (2·changepoint's MinSize). An older step is history
// ('perfgate history changes' lists every one).
const RecentEntries = 10

// TrendCommits is how many commits of the default branch the trend charts
// of the pull-request report show, before the pull request's own point.
const TrendCommits = 20

// A ChangePoint is one entry of output change-points: a step change for
// the worse in a gated metric that the newest commits of the default
// branch started.
type ChangePoint struct {
	Metric string `json:"metric"`
	// First is the first commit of the new segment, Last the last of the
	// old one: the change came in with the commits after Last up to First.
	First string `json:"first"`
	Last  string `json:"last"`
	// Before and After are the segments' medians in the metric's unit
	// (seconds, bytes, streams); RelChange is After/Before - 1.
	Before    float64 `json:"before"`
	After     float64 `json:"after"`
	RelChange float64 `json:"rel_change"`
	// P is the p-value of the permutation test that found it.
	P float64 `json:"p"`
}

// readHistory reads the history file at p, warning once per invalid line
// (Write keeps them). It returns nil, after a warning, when the file cannot
// be read at all: then it must not be written either.
func (a *step) readHistory(p, name string) *history.History {
	h, err := history.Read(p)
	if h == nil {
		a.r.Warning("perfgate history", fmt.Sprintf("%s cannot be read, so it is left as it is: %v", name, err))
		return nil
	}
	for _, bad := range h.Invalid {
		a.r.Warning("perfgate history", fmt.Sprintf("%s:%d: %v (the line is kept as it is; repair or delete it)", name, bad.Line, bad.Err))
	}
	return h
}

// recordHistory is mode baseline's part of the history: it appends the
// entry of the pushed commit to the history file, writes it atomically,
// makes git merge it with the union driver (.gitattributes), and looks for
// step changes that the newest commits started (newChanges). It returns
// the markdown section of the summary and report.md; what fails is a
// warning, never a lost line.
func (a *step) recordHistory(ctx context.Context, res *results.Results) string {
	if a.in.History == "" {
		a.output("history-path", "")
		return ""
	}
	p := a.abs(a.in.History)
	name := a.rel(p)
	h := a.readHistory(p, name)
	if h == nil {
		a.output("history-path", "")
		return fmt.Sprintf("\n### History\n\n`%s` cannot be read, so this commit was not added to it (see the warning).\n", mdCode(name))
	}
	e, err := history.NewEntry(res, a.ev.SHA, a.ev.Before, a.ev.Ref, a.o.Now().UTC())
	if err != nil {
		a.r.Warning("perfgate history", fmt.Sprintf("commit %s not added to %s: %v", short.Commit(a.ev.SHA), name, err))
		a.output("history-path", "")
		return ""
	}
	h.Append(e, history.DefaultMax)
	if err := history.Write(p, h); err != nil {
		a.r.Warning("perfgate history", fmt.Sprintf("%s not written (it is as it was): %v", name, err))
		a.output("history-path", "")
		return ""
	}
	a.output("history-path", name)
	a.r.Infof("perfgate: added commit %s to %s (%d entries)", short.Commit(a.ev.SHA), name, len(h.Entries))
	if added, err := history.EnsureUnionMerge(a.workspace, p); err != nil {
		a.r.Warning("perfgate history", fmt.Sprintf("cannot set merge=union for %s in .gitattributes (two baseline jobs' appends may then conflict): %v", name, err))
	} else if added {
		a.r.Infof("perfgate: added %s merge=union to .gitattributes (commit it with the history)", name)
	}

	cfg, _, err := a.loadConfig(ctx, nil)
	if err != nil {
		a.r.Warning("perfgate history", fmt.Sprintf("no change-point analysis: %v", err))
		return ""
	}
	cps := a.newChanges(h, a.ev.SHA, cfg.Gated())
	out := make([]ChangePoint, 0, len(cps))
	for _, c := range cps {
		out = append(out, ChangePoint{Metric: c.Metric, First: c.First, Last: c.Last, Before: c.Before, After: c.After, RelChange: c.RelChange, P: c.P})
		m, _ := results.MetricByKey(c.Metric)
		a.r.Warning("perfgate: step change", fmt.Sprintf("%s %+.1f %% (%s → %s, p = %.3g), came in with the commits after %s up to %s",
			m.Label, 100*c.RelChange, check.FormatValue(c.Before, m.Unit), check.FormatValue(c.After, m.Unit), c.P, short.Commit(c.Last), short.Commit(c.First)))
	}
	if data, err := json.Marshal(out); err != nil {
		a.r.Warning("perfgate history", fmt.Sprintf("output change-points not set: %v", err))
	} else {
		a.output("change-points", string(data))
	}
	return changesMarkdown(name, h, cps, len(h.Invalid))
}

// newChanges are the step changes for the worse in the gated metrics that
// the newest commits started, flagged on two pushes in a row: a change of
// the history h whose first commit is among the newest RecentEntries of
// the metric's series, and which the history as it was before commit's
// entry (h without it, the previous push's analysis, made again from the
// file) has too, at the same first commit. changepoint's defaults decide
// (E-Divisive means, α = 0.01, at least 5 commits a segment, at least 3 %);
// environment changes are boundaries. A metric whose analysis fails is a
// warning.
func (a *step) newChanges(h *history.History, commit string, metrics []string) []history.Change {
	prev := &history.History{Entries: slices.DeleteFunc(slices.Clone(h.Entries), func(e history.Entry) bool { return e.Commit == commit })}
	var out []history.Change
	for _, m := range metrics {
		cur, err := history.Changes(h, m, changepoint.Options{})
		if err != nil {
			a.r.Warning("perfgate history", fmt.Sprintf("no change-point analysis of %s: %v", m, err))
			continue
		}
		before, err := history.Changes(prev, m, changepoint.Options{})
		if err != nil {
			a.r.Warning("perfgate history", fmt.Sprintf("no change-point analysis of %s before this commit: %v", m, err))
			continue
		}
		values, _, _ := h.Series(m)
		for _, c := range cur {
			confirmed := slices.ContainsFunc(before, func(p history.Change) bool { return p.First == c.First && p.Worse })
			if c.Worse && c.Index >= len(values)-RecentEntries && confirmed {
				out = append(out, c)
			}
		}
	}
	return out
}

// changesMarkdown is the history's section of mode baseline's summary.
func changesMarkdown(name string, h *history.History, cps []history.Change, invalid int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n### History\n\nAdded this commit to `%s` (%d commits).", mdCode(name), len(h.Entries))
	if invalid > 0 {
		fmt.Fprintf(&b, " %d invalid line(s) kept as they are (see the warnings).", invalid)
	}
	b.WriteString("\n\n")
	if len(cps) == 0 {
		fmt.Fprintf(&b, "No new step change for the worse in the gated metrics (a change must start among the newest %d commits and be found on two pushes in a row).\n", RecentEntries)
		return b.String()
	}
	b.WriteString("> [!WARNING]\n> **A step change for the worse** in the history of the default branch, found on this push and the one before:\n\n")
	b.WriteString("| Metric | Commits | Before | After | Change | p |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, c := range cps {
		m, _ := results.MetricByKey(c.Metric)
		fmt.Fprintf(&b, "| %s | `%s..%s` | %s | %s | %+.1f %% | %.3g |\n", report.EscapeMarkdown(m.Label),
			mdCode(short.Commit(c.Last)), mdCode(short.Commit(c.First)),
			check.FormatValue(c.Before, m.Unit), check.FormatValue(c.After, m.Unit), 100*c.RelChange, c.P)
	}
	b.WriteString("\nThe change came in with the commits after the first named, up to the second (`git log A..B`).\n")
	return b.String()
}

// historyAt reads the history file as it is at commit (git or the contents
// API, as fileAtBase); nil, after a note in the log, when there is none or
// it cannot be read. Its invalid lines are warnings.
func (a *step) historyAt(ctx context.Context, commit string) *history.History {
	if a.in.History == "" {
		return nil
	}
	data, found, from, err := a.fileAt(ctx, commit, a.in.History)
	if err != nil {
		a.r.Warning("perfgate history", fmt.Sprintf("%s at %s: %v", a.in.History, short.Commit(commit), err))
		return nil
	}
	if !found {
		a.r.Infof("perfgate: no %s at %s (read through %s): no trend", a.in.History, short.Commit(commit), from)
		return nil
	}
	// history.Read reads files: a private temporary copy, removed after.
	dir, err := os.MkdirTemp("", "perfgate-history-")
	if err != nil {
		a.r.Warning("perfgate history", fmt.Sprintf("%s at %s: %v", a.in.History, short.Commit(commit), err))
		return nil
	}
	defer func() {
		if err := os.RemoveAll(dir); err != nil {
			a.r.Infof("perfgate: temporary copy of the history not removed: %v", err)
		}
	}()
	tmp := filepath.Join(dir, filepath.Base(a.in.History))
	if err := results.WriteFileAtomic(tmp, data, 0o600); err != nil {
		a.r.Warning("perfgate history", fmt.Sprintf("%s at %s: %v", a.in.History, short.Commit(commit), err))
		return nil
	}
	name := fmt.Sprintf("%s at %s", a.in.History, short.Commit(commit))
	h, err := history.Read(tmp)
	if h == nil {
		a.r.Warning("perfgate history", fmt.Sprintf("%s: %v", name, err))
		return nil
	}
	for _, bad := range h.Invalid {
		a.r.Warning("perfgate history", fmt.Sprintf("%s: line %d: %v (kept in the file; repair or delete it)", name, bad.Line, bad.Err))
	}
	a.r.Infof("perfgate: %s read through %s: %d commits", name, from, len(h.Entries))
	return h
}

// trend is the report's trend: the last TrendCommits commits of h, for
// the charts of the gated metrics; nil when h has fewer than two.
func trend(h *history.History, branch, current string) *check.Trend {
	if h == nil || len(h.Entries) < 2 {
		return nil
	}
	t := &check.Trend{Branch: branch, Current: current}
	for _, e := range h.Entries[max(0, len(h.Entries)-TrendCommits):] {
		t.Points = append(t.Points, check.TrendPoint{Commit: e.Commit, Values: e.Values})
	}
	return t
}
