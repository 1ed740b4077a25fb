package action

import (
	"context"
	"encoding/json"
	"errors"
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
	prPath := filepath.Join(filepath.Dir(resPath), "pr.json")
	var pc PRContext
	data, err := os.ReadFile(prPath)
	if err != nil {
		return fmt.Errorf("mode report: %w (the check run writes pr.json beside its results; upload the whole %s directory)", err, outDir)
	}
	if err := json.Unmarshal(data, &pc); err != nil || pc.PullRequest == nil || pc.PullRequest.Number <= 0 {
		return fmt.Errorf("mode report: %s: not a pr.json perfgate wrote (%v)", prPath, err)
	}
	if a.gh == nil {
		return errors.New("mode report: no github-token: the pull request is looked up through the API")
	}
	pr, err := RunPullRequest(ctx, a.gh, a.ev.Repo, a.ev.WorkflowRun)
	if err != nil {
		return fmt.Errorf("mode report: %w; nothing posted", err)
	}
	if err := CheckClaim(Claim{Repo: pc.Repo, PullRequest: *pc.PullRequest}, a.ev.Repo, pr); err != nil {
		return fmt.Errorf("mode report: %w; nothing posted", err)
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
	res, err := results.Load(resPath, "")
	if err != nil {
		return a.finishError(ctx, pr, fmt.Errorf("input results: %w", err))
	}
	return a.compareAndPublish(ctx, pr, res, resPath, FilesUnder(files, a.baselineDir()))
}
