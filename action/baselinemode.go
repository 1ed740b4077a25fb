package action

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/internal/short"
	"github.com/perfgate/perfgate/report"
	"github.com/perfgate/perfgate/results"
)

// baseline is mode baseline: make a baseline from a successful run and
// write it atomically; a failed or partial run never becomes one.
func (a *step) baseline(ctx context.Context) error {
	if a.ev.Name == "push" && strings.HasPrefix(a.ev.Ref, "refs/tags/") {
		a.r.Infof("perfgate: mode baseline on tag %s: its commit goes into the history as a release (compare-to release|both)", strings.TrimPrefix(a.ev.Ref, "refs/tags/"))
	} else if a.ev.Name == "push" && a.ev.DefaultBranch != "" && !a.ev.OnDefaultBranch() {
		a.r.Warning("perfgate", fmt.Sprintf("mode baseline on %s, not the default branch %s", a.ev.Ref, a.ev.DefaultBranch))
	}
	res, resPath, err := a.results(ctx)
	if err != nil {
		return a.finishError(ctx, nil, err)
	}
	a.output("results-json", a.rel(resPath))
	b, err := check.NewBaseline(res, results.BaselineMeta{Commit: a.ev.SHA, Ref: a.ev.Ref, Date: a.o.Now()})
	if err != nil {
		return a.finishError(ctx, nil, fmt.Errorf("no baseline written: %w", err))
	}
	out := a.abs(a.in.Baseline)
	old := a.oldBaseline(out, b)
	if err := results.WriteBaseline(out, b); err != nil {
		return a.finishError(ctx, nil, err)
	}
	a.output("baseline-path", a.rel(out))
	a.r.Infof("perfgate: wrote baseline %s (commit %s, %d run(s))", a.rel(out), short.Commit(a.ev.SHA), len(b.Results.Runs))
	hist := a.recordHistory(ctx, res)

	// Tell how the new baseline compares with the old one; this never fails
	// the step (what is not written is a warning). report.md has it all, the
	// job summary what fits.
	verdict := check.VerdictPass
	// The history's section (a line, or a row per step change) comes
	// first: a step change matters more than the comparison.
	intro := fmt.Sprintf("## perfgate: new baseline\n\nWrote `%s` from commit %s (%d run(s)).\n%s\n", mdCode(a.rel(out)), short.Commit(a.ev.SHA), len(b.Results.Runs), hist)
	mdPath := filepath.Join(a.workspace, outDir, "report.md")
	full, summary := intro, intro
	if rep, err := check.Compare(old, res, check.DefaultConfig()); err != nil {
		a.r.Warning("perfgate", fmt.Sprintf("no comparison of the new baseline with the old one in report.md or the summary: %v", err))
		a.output("regressed", "false")
	} else {
		rep.SetPaths(a.in.Baseline, a.rel(resPath))
		head := intro
		if old != nil {
			head += "Compared with the baseline it replaces:\n\n"
		}
		var md strings.Builder
		if err := report.WriteMarkdown(&md, rep); err != nil {
			a.r.Warning("perfgate", fmt.Sprintf("no comparison of the new baseline with the old one in report.md: the markdown report: %v", err))
		} else {
			full = head + md.String()
		}
		summary = a.limitedMarkdown(head, rep, maxSummaryReport, a.artifactWhere(mdPath))
		verdict = rep.Verdict
		a.output("regressed", fmt.Sprint(rep.Regressed()))
	}
	if err := results.WriteFileAtomic(mdPath, []byte(full), 0o644); err != nil {
		a.r.Warning("perfgate", fmt.Sprintf("report.md not written (the job summary has the report): %v", err))
	} else {
		a.output("report-markdown", a.rel(mdPath))
	}
	a.output("verdict", string(verdict))
	a.output("comment-url", "")
	a.r.Summary(summary)
	return nil
}

// oldBaseline reads the baseline at out that b is to replace, for the
// comparison, and merges its runs into b when it keeps runs
// (Baseline.Update with KeepInherit). It is nil when there is none, and when it cannot
// be read: then a warning says that b replaces it without a comparison.
func (a *step) oldBaseline(out string, b *results.Baseline) *results.Results {
	ob, err := results.ReadBaseline(out)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err == nil {
		if merged, why := b.Update(ob, results.KeepInherit); !merged && why != "" {
			a.r.Infof("perfgate: the new baseline replaces the old one: %s", why)
		}
		return &ob.Results
	}
	// Results rather than a baseline: an older perfgate's, or made by hand.
	old, err := results.Load(out, "")
	if err != nil {
		a.r.Warning("perfgate", fmt.Sprintf("the old baseline cannot be read: the new one replaces it without a comparison: %v", err))
		return nil
	}
	return old
}

// results reads the results input, or runs the suite and writes its
// results to .perfgate/results.json. It returns the results and their path.
func (a *step) results(ctx context.Context) (*results.Results, string, error) {
	if a.in.Results != "" {
		p := a.abs(a.in.Results)
		res, err := results.Load(p, "")
		if err != nil {
			return nil, p, fmt.Errorf("input results: %w", err)
		}
		return res, p, nil
	}
	a.r.Infof("perfgate: %d run(s) of the suite on fresh private Tor networks (quick: %v)", a.in.Runs, a.in.Quick)
	p := filepath.Join(a.workspace, outDir, "results.json")
	if a.o.Gate == nil {
		return nil, p, errors.New("this build of perfgate cannot run the suite: give the results input")
	}
	out, runErr := a.o.Gate(ctx, GateRequest{
		Runs: a.in.Runs, MaxRuns: a.in.Runs, Budget: a.in.TimeBudget, Quick: a.in.Quick,
		ClientCommand: a.in.ClientCommand, ResultsPath: a.rel(p),
		Saved: func(_, head *results.Results) error { return writeResultsJSON(p, head) },
	})
	res := out.Head
	if runErr != nil {
		if res == nil || len(res.Runs) == 0 {
			return nil, p, fmt.Errorf("the suite: %w", runErr)
		}
		// A failed or partial run never becomes a baseline (check.NewBaseline).
		a.r.Warning("perfgate suite", runErr.Error())
	}
	return res, p, nil
}
