package action

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/google/go-github/v57/github"
)

// An Event is what the Action needs from the event that started the
// workflow: GITHUB_EVENT_NAME, GITHUB_REPOSITORY, GITHUB_SHA, GITHUB_REF and
// the payload at GITHUB_EVENT_PATH.
type Event struct {
	// Name is the event's name: pull_request, push, workflow_run, …
	Name string
	Repo Repo
	// SHA and Ref are GITHUB_SHA and GITHUB_REF (for a push, the pushed
	// commit and branch).
	SHA string
	Ref string
	// Before is, for a push, the commit the branch pointed to before it
	// (the payload's before); "" for a new branch (GitHub's all-zero SHA)
	// and other events.
	Before string
	// DefaultBranch is the repository's default branch, when the payload says.
	DefaultBranch string
	// PullRequest is set for pull_request and pull_request_target.
	PullRequest *PullRequest
	// WorkflowRun is set for workflow_run.
	WorkflowRun *WorkflowRun
	// RunURL is the URL of this workflow run (for a status's details link).
	RunURL string
}

// A PullRequest is the part of a pull request the Action uses.
type PullRequest struct {
	Number  int    `json:"number"`
	HeadSHA string `json:"head_sha"`
	BaseSHA string `json:"base_sha"`
	BaseRef string `json:"base_ref,omitempty"`
	// HeadRef is the head branch, in HeadRepo.
	HeadRef string `json:"head_ref,omitempty"`
	// HeadRepo is the full name of the repository the head branch lives in.
	HeadRepo string `json:"head_repo,omitempty"`
	// Fork is true when HeadRepo is not the base repository: the token is then read-only.
	Fork    bool   `json:"fork,omitempty"`
	HTMLURL string `json:"html_url,omitempty"`
}

// A WorkflowRun is the run a workflow_run event reports on.
type WorkflowRun struct {
	ID         int64  `json:"id"`
	Event      string `json:"event"`
	HeadSHA    string `json:"head_sha"`
	Conclusion string `json:"conclusion"`
	HTMLURL    string `json:"html_url"`
	// HeadBranch, HeadRepo (full name) and HeadOwner (its owner's login)
	// say where the run's head commit came from: for a pull request from a
	// fork, the fork's branch.
	HeadBranch string `json:"head_branch"`
	HeadRepo   string `json:"head_repo"`
	HeadOwner  string `json:"head_owner"`
	// PullRequests are those GitHub associates with the run; empty for a
	// pull request from a fork.
	PullRequests []PullRequest `json:"pull_requests"`
}

// ReadEvent reads the event from the runner's environment.
func ReadEvent(getenv func(string) string) (*Event, error) {
	ev := &Event{
		Name: getenv("GITHUB_EVENT_NAME"),
		SHA:  getenv("GITHUB_SHA"),
		Ref:  getenv("GITHUB_REF"),
	}
	if s, id := getenv("GITHUB_SERVER_URL"), getenv("GITHUB_RUN_ID"); s != "" && id != "" {
		ev.RunURL = fmt.Sprintf("%s/%s/actions/runs/%s", strings.TrimSuffix(s, "/"), getenv("GITHUB_REPOSITORY"), id)
	}
	if r := getenv("GITHUB_REPOSITORY"); r != "" {
		repo, err := ParseRepo(r)
		if err != nil {
			return nil, fmt.Errorf("GITHUB_REPOSITORY: %w", err)
		}
		ev.Repo = repo
	}
	path := getenv("GITHUB_EVENT_PATH")
	if path == "" {
		return ev, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("event payload: %w", err)
	}
	if err := ev.parse(data); err != nil {
		return nil, fmt.Errorf("event payload %s: %w", path, err)
	}
	return ev, nil
}

// ParseEvent parses the payload of an event called name, as ReadEvent
// does with the file at GITHUB_EVENT_PATH.
func ParseEvent(name string, data []byte) (*Event, error) {
	ev := &Event{Name: name}
	if err := ev.parse(data); err != nil {
		return nil, err
	}
	return ev, nil
}

// parse fills ev from an event payload.
func (ev *Event) parse(data []byte) error {
	var err error
	var repoName string
	var common struct {
		Repository *github.Repository `json:"repository"`
	}
	if err := json.Unmarshal(data, &common); err != nil {
		return err
	}
	if r := common.Repository; r != nil {
		ev.DefaultBranch = r.GetDefaultBranch()
		repoName = r.GetFullName()
	}
	if ev.Repo == (Repo{}) && repoName != "" {
		if ev.Repo, err = ParseRepo(repoName); err != nil {
			return err
		}
	}
	switch ev.Name {
	case "pull_request", "pull_request_target":
		var e github.PullRequestEvent
		if err := json.Unmarshal(data, &e); err != nil {
			return err
		}
		pr := e.GetPullRequest()
		if pr == nil {
			return fmt.Errorf("a %s event without pull_request", ev.Name)
		}
		ev.PullRequest = pullRequest(pr, ev.Repo)
		if ev.PullRequest.Number == 0 {
			ev.PullRequest.Number = e.GetNumber()
		}
	case "push":
		var e github.PushEvent
		if err := json.Unmarshal(data, &e); err != nil {
			return err
		}
		if ev.SHA == "" {
			ev.SHA = e.GetAfter()
		}
		if ev.Ref == "" {
			ev.Ref = e.GetRef()
		}
		if b := e.GetBefore(); strings.Trim(b, "0") != "" {
			ev.Before = b
		}
		if ev.DefaultBranch == "" {
			ev.DefaultBranch = e.GetRepo().GetDefaultBranch()
		}
	case "workflow_run":
		var e github.WorkflowRunEvent
		if err := json.Unmarshal(data, &e); err != nil {
			return err
		}
		wr := e.GetWorkflowRun()
		if wr == nil {
			return errors.New("a workflow_run event without workflow_run")
		}
		ev.WorkflowRun = &WorkflowRun{
			ID: wr.GetID(), Event: wr.GetEvent(), HeadSHA: wr.GetHeadSHA(),
			Conclusion: wr.GetConclusion(), HTMLURL: wr.GetHTMLURL(),
			HeadBranch: wr.GetHeadBranch(), HeadRepo: wr.GetHeadRepository().GetFullName(),
			HeadOwner: wr.GetHeadRepository().GetOwner().GetLogin(),
		}
		for _, pr := range wr.PullRequests {
			ev.WorkflowRun.PullRequests = append(ev.WorkflowRun.PullRequests, *pullRequest(pr, ev.Repo))
		}
	}
	return nil
}

func pullRequest(pr *github.PullRequest, base Repo) *PullRequest {
	p := &PullRequest{
		Number:   pr.GetNumber(),
		HeadSHA:  pr.GetHead().GetSHA(),
		BaseSHA:  pr.GetBase().GetSHA(),
		BaseRef:  pr.GetBase().GetRef(),
		HeadRef:  pr.GetHead().GetRef(),
		HeadRepo: pr.GetHead().GetRepo().GetFullName(),
		HTMLURL:  pr.GetHTMLURL(),
	}
	p.Fork = p.HeadRepo != "" && base != (Repo{}) && !strings.EqualFold(p.HeadRepo, base.String())
	return p
}

// OnDefaultBranch reports whether a push went to the repository's default branch.
func (e *Event) OnDefaultBranch() bool {
	return e.DefaultBranch != "" && e.Ref == "refs/heads/"+e.DefaultBranch
}
