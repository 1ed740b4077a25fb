package action

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/internal/short"
	"github.com/perfgate/perfgate/results"
)

// check is mode check: compare with the baseline at the pull request's base
// commit, report everywhere, exit by the verdict.
func (a *step) check(ctx context.Context) error {
	pr := a.ev.PullRequest
	if pr == nil {
		a.r.Infof("perfgate: event %q has no pull request: comparing with %s in the workspace; no comment or status", a.ev.Name, a.in.Baseline)
	}
	var (
		res     *results.Results
		resPath string
		err     error
	)
	if a.in.Results != "" {
		if res, resPath, err = a.results(ctx); err != nil {
			return a.finishError(ctx, pr, err)
		}
	} else {
		resPath = filepath.Join(a.workspace, outDir, "results.json")
	}
	var changed []string
	if pr != nil {
		changed = a.changedBaselines(ctx, pr)
		a.writePRContext(PRContext{Repo: a.ev.Repo.String(), PullRequest: pr, ChangedBaselines: changed}, resPath)
	}
	if a.in.Results == "" {
		return a.gateAndPublish(ctx, pr, resPath, changed)
	}
	return a.compareAndPublish(ctx, pr, res, resPath, changed)
}

// gateAndPublish is check mode when the action runs the suite: the runs
// (stored-baseline or A/B mode, with adaptive repetition) through the
// gate, then the report as compareAndPublish makes it. The results go to
// .perfgate/results.json (A/B mode: the baseline client's to
// .perfgate/baseline-results.json) after every round.
func (a *step) gateAndPublish(ctx context.Context, pr *PullRequest, resPath string, changed []string) error {
	ab := a.in.BaselineClientCommand != ""
	cfg, cfgNotes, err := a.loadConfig(ctx, pr)
	if err != nil {
		return a.finishError(ctx, pr, err)
	}
	var stored *results.Results
	var baseNotes []string
	rel, relNotes, err := a.loadRelease(ctx, pr)
	if err != nil {
		return a.finishError(ctx, pr, err)
	}
	if !ab {
		if stored, baseNotes, err = a.storedBaseline(ctx, pr, rel); err != nil {
			return a.finishError(ctx, pr, err)
		}
		if a.against != nil {
			rel = nil
		}
	}
	baseNotes = append(baseNotes, relNotes...)
	baseResPath := filepath.Join(a.workspace, outDir, "baseline-results.json")
	if ab {
		a.r.Infof("perfgate: interleaved A/B on one private network, %d run(s) per side (up to %d within %v; quick: %v)", a.in.Runs, a.in.MaxRuns, a.in.TimeBudget, a.in.Quick)
	} else {
		a.r.Infof("perfgate: %d run(s) of the suite on fresh private Tor networks (up to %d within %v; quick: %v)", a.in.Runs, a.in.MaxRuns, a.in.TimeBudget, a.in.Quick)
	}
	if a.o.Gate == nil {
		return a.finishError(ctx, pr, errors.New("this build of perfgate cannot run the suite: give the results input"))
	}
	out, runErr := a.o.Gate(ctx, GateRequest{
		Runs: a.in.Runs, MaxRuns: a.in.MaxRuns, Budget: a.in.TimeBudget, Quick: a.in.Quick,
		ClientCommand: a.in.ClientCommand, BaselineClientCommand: a.in.BaselineClientCommand,
		Baseline: stored, Config: cfg,
		BaselinePath: a.rel(baseResPath), ResultsPath: a.rel(resPath),
		Saved: func(base, head *results.Results) error {
			if err := writeResultsJSON(resPath, head); err != nil {
				return err
			}
			if ab && base != nil {
				return writeResultsJSON(baseResPath, base)
			}
			return nil
		},
	})
	rep := out.Report
	if runErr != nil {
		if rep == nil {
			return a.finishError(ctx, pr, fmt.Errorf("the suite: %w", runErr))
		}
		// The partial-run rule (package gate): the runs that finished are
		// compared with the failed one, whose error the verdict names.
		a.r.Warning("perfgate suite", runErr.Error())
	}
	if rep == nil {
		return a.finishError(ctx, pr, errors.New("the suite: no comparison"))
	}
	if a.in.Shard != "" {
		return a.finishShard(rep, resPath, ab)
	}
	if !ab {
		a.setPaths(rep, pr, resPath)
	}
	if err := a.compareRelease(rel, out.Head, cfg, resPath); err != nil {
		return a.finishError(ctx, pr, err)
	}
	a.release = rel
	return a.publishReport(ctx, pr, rep, resPath, changed, append(baseNotes, cfgNotes...))
}

// storedBaseline is the baseline to compare with: the release's, for
// compare-to release when the history has one (then a.against is set),
// else the baseline at the base commit (loadBaseline).
func (a *step) storedBaseline(ctx context.Context, pr *PullRequest, rel *release) (*results.Results, []string, error) {
	if a.in.CompareTo == CompareRelease && rel != nil {
		a.against = rel
		return rel.Baseline, nil, nil
	}
	return a.loadBaseline(ctx, pr)
}

// compareAndPublish compares, writes the report files, the summary and the
// outputs, publishes the comment and status, and returns the exit error.
func (a *step) compareAndPublish(ctx context.Context, pr *PullRequest, res *results.Results, resPath string, changed []string) error {
	rel, relNotes, err := a.loadRelease(ctx, pr)
	if err != nil {
		return a.finishError(ctx, pr, err)
	}
	base, baseNotes, err := a.storedBaseline(ctx, pr, rel)
	if err != nil {
		return a.finishError(ctx, pr, err)
	}
	if a.against != nil {
		rel = nil
	}
	baseNotes = append(baseNotes, relNotes...)
	cfg, cfgNotes, err := a.loadConfig(ctx, pr)
	if err != nil {
		return a.finishError(ctx, pr, err)
	}
	rep, err := check.Compare(base, res, cfg)
	if err != nil {
		return a.finishError(ctx, pr, err)
	}
	if a.in.Shard != "" {
		return a.finishShard(rep, resPath, false)
	}
	a.setPaths(rep, pr, resPath)
	if err := a.compareRelease(rel, res, cfg, resPath); err != nil {
		return a.finishError(ctx, pr, err)
	}
	a.release = rel
	return a.publishReport(ctx, pr, rep, resPath, changed, append(baseNotes, cfgNotes...))
}

// setPaths names the baseline and the results in the report. With a
// baseline, it is named with the base commit it was read at. Without one,
// the report's command that makes it must work as printed: it names the
// baseline input as the repository path to write and the results by their
// path in the workspace, .perfgate/results.json (where the action keeps a
// copy, also in the artifact) when they are outside it. In mode report the
// results come from the pull request's own run and must not become the
// baseline: the report points to mode baseline instead.
func (a *step) setPaths(rep *check.Report, pr *PullRequest, resPath string) {
	if rel := a.against; rel != nil && rep.Baseline != nil {
		rep.SetStored(fmt.Sprintf("%s at %s (release %s)", a.in.Baseline, short.Commit(rel.Commit), rel.Tag), a.rel(resPath))
		return
	}
	if rep.Baseline != nil {
		basePath := a.in.Baseline
		if pr != nil {
			basePath += " at " + short.Commit(pr.BaseSHA)
		}
		rep.SetStored(basePath, a.rel(resPath))
		return
	}
	results := a.rel(resPath)
	if filepath.IsAbs(results) {
		if kept := a.keepResults(resPath); kept != "" {
			results = a.rel(kept)
		}
	}
	rep.SetPaths(a.rel(a.abs(a.in.Baseline)), results)
	if a.in.Mode == "report" {
		rep.BaselineCommand = ""
	}
}

// writePRContext writes pr.json, what the workflow_run reporter (mode
// report) needs to know of the pull request, beside the results; when they
// are not in .perfgate, it also keeps a copy of them and of pr.json there,
// so that the artifact is one directory. None of it fails the step: what is
// not written is a warning (and the reporter, lacking it, says so).
func (a *step) writePRContext(pc PRContext, resPath string) {
	data, err := json.MarshalIndent(pc, "", "  ")
	if err != nil {
		a.r.Warning("perfgate", fmt.Sprintf("pr.json for the workflow_run reporter not written: %v", err))
		return
	}
	data = append(data, '\n')
	dirs := []string{filepath.Dir(resPath)}
	if out := filepath.Join(a.workspace, outDir); dirs[0] != out {
		// A copy that fails is keepResults' warning; pr.json goes there
		// all the same.
		a.keepResults(resPath)
		dirs = append(dirs, out)
	}
	for _, dir := range dirs {
		if err := results.WriteFileAtomic(filepath.Join(dir, "pr.json"), data, 0o644); err != nil {
			a.r.Warning("perfgate", fmt.Sprintf("pr.json for the workflow_run reporter not written: %v", err))
		}
	}
}

// keepResults copies the results at resPath to .perfgate/results.json, for
// the artifact and for the report to name them by a path in the workspace.
// It returns the copy's path, or "" when there is none. It copies once a
// run: a failure is one warning, not one per caller.
func (a *step) keepResults(resPath string) string {
	if !a.kept.done {
		a.kept.done = true
		kept := filepath.Join(a.workspace, outDir, "results.json")
		if err := copyFile(resPath, kept); err != nil {
			a.r.Warning("perfgate", fmt.Sprintf("no copy of the results in %s (for the artifact and the report's commands): %v", a.rel(kept), err))
		} else {
			a.kept.path = kept
		}
	}
	return a.kept.path
}

// writeResultsJSON writes v as indented JSON to p, atomically: the gate
// calls it after every round, and a reader must never see half a file.
func writeResultsJSON(p string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("results %s: %w", p, err)
	}
	if err := results.WriteFileAtomic(p, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("results: %w", err)
	}
	return nil
}

// copyFile copies the file from to the file to, atomically.
func copyFile(from, to string) error {
	data, err := results.ReadFile(from)
	if err != nil {
		return err
	}
	return results.WriteFileAtomic(to, data, 0o644)
}
