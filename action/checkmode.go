package action

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
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
		pc := PRContext{Repo: a.ev.Repo.String(), PullRequest: pr, ChangedBaselines: changed}
		data, _ := json.MarshalIndent(pc, "", "  ")
		if err := os.WriteFile(filepath.Join(filepath.Dir(resPath), "pr.json"), append(data, '\n'), 0o644); err != nil {
			a.r.Warning("perfgate", fmt.Sprintf("pr.json for the workflow_run reporter: %v", err))
		}
		if filepath.Dir(resPath) != filepath.Join(a.workspace, outDir) {
			// Keep a copy beside the results in .perfgate, so the artifact is
			// one directory.
			copyFile(resPath, filepath.Join(a.workspace, outDir, "results.json"))
			os.WriteFile(filepath.Join(a.workspace, outDir, "pr.json"), append(data, '\n'), 0o644)
		}
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
	if !ab {
		if stored, baseNotes, err = a.loadBaseline(ctx, pr); err != nil {
			return a.finishError(ctx, pr, err)
		}
	}
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
	if !ab {
		a.setPaths(rep, pr, resPath)
	}
	return a.publishReport(ctx, pr, rep, resPath, changed, append(baseNotes, cfgNotes...))
}

// compareAndPublish compares, writes the report files, the summary and the
// outputs, publishes the comment and status, and returns the exit error.
func (a *step) compareAndPublish(ctx context.Context, pr *PullRequest, res *results.Results, resPath string, changed []string) error {
	base, baseNotes, err := a.loadBaseline(ctx, pr)
	if err != nil {
		return a.finishError(ctx, pr, err)
	}
	cfg, cfgNotes, err := a.loadConfig(ctx, pr)
	if err != nil {
		return a.finishError(ctx, pr, err)
	}
	rep, err := check.Compare(base, res, cfg)
	if err != nil {
		return a.finishError(ctx, pr, err)
	}
	a.setPaths(rep, pr, resPath)
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
		kept := filepath.Join(a.workspace, outDir, "results.json")
		if err := copyFile(resPath, kept); err == nil {
			results = a.rel(kept)
		}
	}
	rep.SetPaths(a.rel(a.abs(a.in.Baseline)), results)
	if a.in.Mode == "report" {
		rep.BaselineCommand = ""
	}
}

// writeResultsJSON writes v as indented JSON.
func writeResultsJSON(p string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(p, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("results: %w", err)
	}
	return nil
}

func copyFile(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, data, 0o644)
}
