package action

import (
	"encoding/json"
	"fmt"

	"github.com/perfgate/perfgate/results"
)

// PRContext is what check mode leaves in pr.json for the workflow_run
// reporter: which pull request, and the commits it was made on.
type PRContext struct {
	Repo        string       `json:"repo"`
	PullRequest *PullRequest `json:"pull_request"`
	// ChangedBaselines are the files under baselines/ the pull request
	// changes, as far as the check run could tell.
	ChangedBaselines []string `json:"changed_baselines,omitempty"`
}

// ParsePRContext parses a pr.json. The file comes from the pull request's
// own run, for a fork the fork's: it must name a pull request with a
// positive number, and nothing in it is trusted beyond that (CheckClaim
// holds it against the API).
func ParsePRContext(data []byte, name string) (PRContext, error) {
	var pc PRContext
	if err := json.Unmarshal(data, &pc); err != nil {
		return PRContext{}, results.JSONError(data, name, err)
	}
	if pc.PullRequest == nil || pc.PullRequest.Number <= 0 {
		return PRContext{}, fmt.Errorf("%s: not a pr.json perfgate wrote (no pull request number)", name)
	}
	return pc, nil
}
