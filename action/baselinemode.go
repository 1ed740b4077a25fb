package action

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/internal/short"
	"github.com/perfgate/perfgate/report"
	"github.com/perfgate/perfgate/results"
)

// baseline is mode baseline: make a baseline from a successful run and
// write it atomically; a failed or partial run never becomes one.
func (a *step) baseline(ctx context.Context) error {
	if a.ev.Name == "push" && a.ev.DefaultBranch != "" && !a.ev.OnDefaultBranch() {
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
	var old *results.Results
	if _, err := os.Stat(out); err == nil {
		if ob, err := results.ReadBaseline(out); err == nil {
			old = &ob.Results
			if ob.KeepRuns > 0 {
				if merged, why := b.MergeRuns(ob, ob.KeepRuns); !merged && why != "" {
					a.r.Infof("perfgate: the new baseline replaces the old one: %s", why)
				}
			}
		} else if res2, err2 := results.Load(out, ""); err2 == nil {
			old = res2
		}
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return a.finishError(ctx, nil, fmt.Errorf("baseline: %w", err))
	}
	if err := results.WriteBaseline(out, b); err != nil {
		return a.finishError(ctx, nil, err)
	}
	a.output("baseline-path", a.rel(out))
	a.r.Infof("perfgate: wrote baseline %s (commit %s, %d run(s))", a.rel(out), short.Commit(a.ev.SHA), len(b.Results.Runs))

	// Tell how the new baseline compares with the old one; this never fails
	// the step. report.md has it all, the job summary what fits.
	verdict := check.VerdictPass
	var md bytes.Buffer
	fmt.Fprintf(&md, "## perfgate: new baseline\n\nWrote `%s` from commit %s (%d run(s)).\n\n", mdCode(a.rel(out)), short.Commit(a.ev.SHA), len(b.Results.Runs))
	mdPath := filepath.Join(a.workspace, outDir, "report.md")
	summary := md.String()
	if rep, err := check.Compare(old, res, check.DefaultConfig()); err == nil {
		rep.SetPaths(a.in.Baseline, a.rel(resPath))
		if old != nil {
			md.WriteString("Compared with the baseline it replaces:\n\n")
		}
		head := md.String()
		report.WriteMarkdown(&md, rep)
		summary = a.limitedMarkdown(head, rep, maxSummaryReport, a.artifactWhere(mdPath))
		verdict = rep.Verdict
		a.output("regressed", fmt.Sprint(rep.Regressed()))
	} else {
		a.output("regressed", "false")
	}
	if err := os.WriteFile(mdPath, md.Bytes(), 0o644); err == nil {
		a.output("report-markdown", a.rel(mdPath))
	}
	a.output("verdict", string(verdict))
	a.output("comment-url", "")
	a.r.Summary(summary)
	return nil
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
