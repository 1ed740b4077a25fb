package action

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/history"
	"github.com/perfgate/perfgate/internal/short"
	"github.com/perfgate/perfgate/report"
	"github.com/perfgate/perfgate/results"
)

// A release is the baseline of the newest release tag in the history, for
// input compare-to release or both.
type release struct {
	// Tag is the tag's name (v1.2.0), Commit the commit it names.
	Tag, Commit string
	// Baseline is the baseline file as it is at Commit.
	Baseline *results.Results
	// Report is the comparison with it (compare-to both), once made.
	Report *check.Report
}

// heading is the release comparison's heading in the report.
func (rel *release) heading() string {
	return fmt.Sprintf("Against release %s (commit %s)", report.EscapeMarkdown(rel.Tag), short.Commit(rel.Commit))
}

// baseHistory is the history file at the pull request's base commit (the
// workspace's without a pull request), read once; nil when there is none.
func (a *step) baseHistory(ctx context.Context, pr *PullRequest) *history.History {
	if a.hist.done {
		return a.hist.h
	}
	a.hist.done = true
	switch {
	case a.in.History == "":
	case pr != nil:
		a.hist.h = a.historyAt(ctx, pr.BaseSHA)
	default:
		a.hist.h = a.readHistory(a.abs(a.in.History), a.in.History)
	}
	return a.hist.h
}

// newestRelease is the newest entry of h (by date) whose ref is a tag,
// refs/tags/…; nil when there is none.
func newestRelease(h *history.History) *history.Entry {
	if h == nil {
		return nil
	}
	for i := len(h.Entries) - 1; i >= 0; i-- {
		if strings.HasPrefix(h.Entries[i].Ref, "refs/tags/") {
			return &h.Entries[i]
		}
	}
	return nil
}

// loadRelease finds the newest release in the history at the base commit
// and reads the baseline file at its commit (git or the contents API, as
// the baseline at the base commit). It is nil, with a note for the report
// saying why, when compare-to is base, the history has no release, or the
// release's commit has no baseline: then the base commit's baseline alone
// is the comparison.
func (a *step) loadRelease(ctx context.Context, pr *PullRequest) (*release, []string, error) {
	if a.in.CompareTo == CompareBase {
		return nil, nil, nil
	}
	where := "in the workspace"
	if pr != nil {
		where = "at the base commit " + short.Commit(pr.BaseSHA)
	}
	e := newestRelease(a.baseHistory(ctx, pr))
	if e == nil {
		return nil, []string{fmt.Sprintf("compare-to %s: the history %s %s records no release (no entry of a refs/tags/ ref), so this is compared with the base commit only.",
			a.in.CompareTo, a.in.History, where)}, nil
	}
	rel := &release{Tag: strings.TrimPrefix(e.Ref, "refs/tags/"), Commit: e.Commit}
	data, found, from, err := a.fileAt(ctx, e.Commit, a.in.Baseline)
	if err != nil {
		return nil, nil, fmt.Errorf("baseline of release %s: %w", rel.Tag, err)
	}
	if !found {
		return nil, []string{fmt.Sprintf("compare-to %s: release %s (commit %s) has no %s, so this is compared with the base commit only.",
			a.in.CompareTo, rel.Tag, short.Commit(rel.Commit), a.in.Baseline)}, nil
	}
	if rel.Baseline, err = parseBaseline(data, fmt.Sprintf("%s at %s (release %s)", a.in.Baseline, short.Commit(rel.Commit), rel.Tag)); err != nil {
		return nil, nil, err
	}
	a.r.Infof("perfgate: baseline of release %s read at %s through %s", rel.Tag, short.Commit(rel.Commit), from)
	return rel, nil, nil
}

// compareRelease makes the release comparison of compare-to both: cur
// against rel's baseline under cfg, its files named.
func (a *step) compareRelease(rel *release, cur *results.Results, cfg check.Config, resPath string) error {
	if rel == nil {
		return nil
	}
	if cur == nil {
		return errors.New("compare-to both: no current results to compare with the release")
	}
	rep, err := check.Compare(rel.Baseline, cur, cfg)
	if err != nil {
		return fmt.Errorf("the comparison with release %s: %w", rel.Tag, err)
	}
	rep.SetStored(fmt.Sprintf("%s at %s (release %s)", a.in.Baseline, short.Commit(rel.Commit), rel.Tag), a.rel(resPath))
	rel.Report = rep
	return nil
}
