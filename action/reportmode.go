package action

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/perfgate/perfgate/internal/short"
	"github.com/perfgate/perfgate/results"
)

// report is mode report: the workflow_run half of the fork-safe pair. The
// results and pr.json come from the pull request's own run (for a fork,
// made with the fork's workflow file): nothing in them is trusted. The pull
// request is the one the API lists for the run's head as the event names
// it; pr.json must agree with it, or nothing is posted. The baseline and
// config are read at the API's base commit, and a pull request that changes
// what its own run executed never gets a success status.
func (a *step) report(ctx context.Context) error {
	resPath := a.abs(a.in.Results)
	pr, files, err := a.trustedRun(ctx, "mode report", filepath.Join(filepath.Dir(resPath), "pr.json"))
	if err != nil {
		return err
	}
	res, err := results.Load(resPath, "")
	if err != nil {
		return a.finishError(ctx, pr, fmt.Errorf("input results: %w", err))
	}
	return a.compareAndPublish(ctx, pr, res, resPath, FilesUnder(files, a.baselineDir()))
}

// trustedRun establishes, for a workflow_run reporter (mode report, or
// mode aggregate of a fork's shards), which pull request the results are
// of, trusting nothing in them: the pull request is the one the API lists
// for the run's head as the event names it, and every pr.json (the check
// runs write one beside their results) must agree with it, or nothing is
// posted. It sets a.prov, which keeps a pull request that changes what its
// own run executed from a success status, and returns the pull request
// and the files it changes.
func (a *step) trustedRun(ctx context.Context, mode string, prPaths ...string) (*PullRequest, []string, error) {
	claims := make([]PRContext, len(prPaths))
	for i, prPath := range prPaths {
		data, err := os.ReadFile(prPath)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w (the check run writes pr.json beside its results; upload the whole %s directory)", mode, err, outDir)
		}
		if claims[i], err = ParsePRContext(data, prPath); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", mode, err)
		}
	}
	if a.gh == nil {
		return nil, nil, fmt.Errorf("%s: no github-token: the pull request is looked up through the API", mode)
	}
	pr, err := RunPullRequest(ctx, a.gh, a.ev.Repo, a.ev.WorkflowRun)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w; nothing posted", mode, err)
	}
	for i, pc := range claims {
		if err := CheckClaim(Claim{Repo: pc.Repo, PullRequest: *pc.PullRequest}, a.ev.Repo, pr); err != nil {
			return nil, nil, fmt.Errorf("%s: %s: %w; nothing posted", mode, prPaths[i], err)
		}
	}
	a.r.Infof("perfgate: the workflow run is for pull request #%d (head %s in %s, base %s), as the API lists it; pr.json agrees",
		pr.Number, short.Commit(pr.HeadSHA), pr.HeadRepo, short.Commit(pr.BaseSHA))
	prov := &Provenance{PullRequest: pr}
	files, complete, err := PullRequestFiles(ctx, a.gh, a.ev.Repo, pr.Number)
	switch {
	case err != nil:
		prov.Unknown = err.Error()
	case !complete:
		prov.Unknown = "GitHub lists only its first 3000 files"
	}
	prov.Review = ReviewFiles(files, a.isActionRepo(ctx, pr))
	a.prov = prov
	if !prov.Trusted() {
		a.r.Warning("perfgate", "the results are not trusted: "+prov.Reason())
	}
	return pr, files, nil
}
