package action

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/perfgate/perfgate/internal/short"
)

// The checks of mode report, the workflow_run reporter. It posts for a pull
// request whose results were made by the pull request's own run (for a fork:
// with the fork's workflow file and a read-only token) and handed over as an
// artifact. Nothing in the artifact is trusted: the pull request is the one
// the API lists for the run's head as the workflow_run event names it
// ([RunPullRequest]); the artifact's pr.json is a hint that must agree
// ([CheckClaim]); and when the pull request changes what its own run
// executed, the results are not trusted at all ([ReviewFiles],
// [Provenance]).

var (
	// ErrNoPullRequest is wrapped by [RunPullRequest] when no open pull
	// request has the run's head.
	ErrNoPullRequest = errors.New("no open pull request has the workflow run's head")
	// ErrAmbiguousPullRequest is wrapped by [RunPullRequest] when more than
	// one does.
	ErrAmbiguousPullRequest = errors.New("more than one open pull request has the workflow run's head")
)

// maxPullPages bounds the listing of a branch's open pull requests (100 a page).
const maxPullPages = 10

// RunPullRequest finds the pull request that a workflow run of a
// pull_request event was made for, from trusted data only: the run's head
// commit, repository and branch as GitHub wrote them into the workflow_run
// event, and the open pull requests of repo whose head is that branch, as
// the API lists them (GET /repos/{owner}/{repo}/pulls?head=owner:branch).
// The event's own list of pull requests is empty for a fork's run. The
// pulls associated with a commit (GET .../commits/{sha}/pulls) are not
// asked: for a commit that only a fork has, GitHub does not document that
// they include the base repository's pull request.
func RunPullRequest(ctx context.Context, api API, repo Repo, wr *WorkflowRun) (*PullRequest, error) {
	if wr == nil {
		return nil, errors.New("the event is not workflow_run: mode report runs on the workflow_run event of the check's workflow")
	}
	if wr.Event != "pull_request" {
		return nil, fmt.Errorf("the workflow run was for a %q event, not pull_request", wr.Event)
	}
	if wr.HeadSHA == "" || wr.HeadBranch == "" || wr.HeadRepo == "" {
		return nil, errors.New("the workflow_run event lacks the run's head (head_sha, head_branch, head_repository)")
	}
	owner := wr.HeadOwner
	if owner == "" {
		owner, _, _ = strings.Cut(wr.HeadRepo, "/")
	}
	head := owner + ":" + wr.HeadBranch
	var all []PullRequest
	page := 1
	for i := 0; i < maxPullPages && page != 0; i++ {
		prs, next, err := api.ListOpenPullRequests(ctx, repo, head, Page{Number: page, PerPage: 100})
		if err != nil {
			return nil, err
		}
		all = append(all, prs...)
		page = next
	}
	return MatchRunPullRequest(wr, all)
}

// MatchRunPullRequest returns the one pull request among candidates whose
// head is the run's head commit in the run's head repository (and, when the
// event lists the run's pull requests, one of those). It refuses, with
// [ErrNoPullRequest] or [ErrAmbiguousPullRequest], when none or more than
// one is: two open pull requests of one branch into two base branches have
// two baselines, and nothing trusted says which one the run was for.
func MatchRunPullRequest(wr *WorkflowRun, candidates []PullRequest) (*PullRequest, error) {
	var match []PullRequest
	var others []string
	for _, c := range candidates {
		switch {
		case !strings.EqualFold(c.HeadSHA, wr.HeadSHA) || !strings.EqualFold(c.HeadRepo, wr.HeadRepo):
			others = append(others, fmt.Sprintf("#%d has head %s in %s", c.Number, short.Commit(c.HeadSHA), orNone(c.HeadRepo)))
		case len(wr.PullRequests) > 0 && !hasNumber(wr.PullRequests, c.Number):
			others = append(others, fmt.Sprintf("#%d is not among the run's pull requests", c.Number))
		default:
			match = append(match, c)
		}
	}
	what := fmt.Sprintf("commit %s of %s (branch %s)", short.Commit(wr.HeadSHA), wr.HeadRepo, wr.HeadBranch)
	switch len(match) {
	case 1:
		pr := match[0]
		return &pr, nil
	case 0:
		if len(others) == 0 {
			return nil, fmt.Errorf("%w: %s; the branch has no open pull request", ErrNoPullRequest, what)
		}
		return nil, fmt.Errorf("%w: %s; of the branch's open pull requests %s (a newer push: its own run reports)",
			ErrNoPullRequest, what, strings.Join(others, ", "))
	}
	var nums []string
	for _, m := range match {
		nums = append(nums, fmt.Sprintf("#%d (base %s)", m.Number, orNone(m.BaseRef)))
	}
	return nil, fmt.Errorf("%w: %s is the head of %s; nothing trusted says which one the run was for",
		ErrAmbiguousPullRequest, what, strings.Join(nums, " and "))
}

func hasNumber(prs []PullRequest, n int) bool {
	for _, p := range prs {
		if p.Number == n {
			return true
		}
	}
	return false
}

// A Claim is what an artifact says about the pull request its results are
// for: the pr.json that mode check writes. It comes from the pull request's
// own run, so it is only a hint, which must agree with the API.
type Claim struct {
	// Repo is the base repository, owner/name.
	Repo        string
	PullRequest PullRequest
}

// A Disagreement is a field on which a [Claim] and the trusted pull
// request differ.
type Disagreement struct {
	Field   string // number, base, repository, head repository, head
	Claimed string
	Trusted string
}

// A ClaimError is an artifact's claim that disagrees with the pull request
// GitHub lists for the run.
type ClaimError struct {
	Disagreements []Disagreement
}

func (e *ClaimError) Error() string {
	var parts []string
	for _, d := range e.Disagreements {
		parts = append(parts, fmt.Sprintf("%s: the artifact says %s, GitHub %s", d.Field, d.Claimed, d.Trusted))
	}
	return "the artifact's pr.json disagrees with the pull request GitHub lists for the workflow run: " + strings.Join(parts, "; ")
}

// CheckClaim compares the claim with trusted, the pull request of repo as
// [RunPullRequest] found it. It returns a [*ClaimError] that names every
// field that disagrees (number, base, repository, head repository, head),
// nil when all agree. A field the claim lacks disagrees.
func CheckClaim(claim Claim, repo Repo, trusted *PullRequest) error {
	var ds []Disagreement
	add := func(field, claimed, want string) {
		if !strings.EqualFold(claimed, want) || claimed == "" {
			ds = append(ds, Disagreement{Field: field, Claimed: orNone(claimed), Trusted: orNone(want)})
		}
	}
	c := claim.PullRequest
	if c.Number != trusted.Number {
		ds = append(ds, Disagreement{Field: "number", Claimed: fmt.Sprintf("#%d", c.Number), Trusted: fmt.Sprintf("#%d", trusted.Number)})
	}
	add("base", c.BaseSHA, trusted.BaseSHA)
	add("repository", claim.Repo, repo.String())
	add("head repository", c.HeadRepo, trusted.HeadRepo)
	add("head", c.HeadSHA, trusted.HeadSHA)
	if len(ds) > 0 {
		return &ClaimError{Disagreements: ds}
	}
	return nil
}

// ReviewFiles returns the files among changed whose change means that the
// pull request's own run cannot be trusted at all, because they decide what
// that run executed:
//   - the workflows and local actions (.github/workflows/, .github/actions/);
//   - when actionRepo (the repository is itself a Docker action, whose
//     workflows may run it with uses: ./, as perfgate's own repository
//     does), the action's own files: action.yml or action.yaml, Dockerfile,
//     .dockerignore, and what the image is built from: go.mod, go.sum,
//     vendor/ and every Go source file but tests.
func ReviewFiles(changed []string, actionRepo bool) []string {
	var out []string
	for _, f := range changed {
		if reviewFile(f, actionRepo) {
			out = append(out, f)
		}
	}
	return out
}

func reviewFile(f string, actionRepo bool) bool {
	if strings.HasPrefix(f, ".github/workflows/") || strings.HasPrefix(f, ".github/actions/") {
		return true
	}
	if !actionRepo {
		return false
	}
	switch f {
	case "action.yml", "action.yaml", "Dockerfile", ".dockerignore", "go.mod", "go.sum":
		return true
	}
	return strings.HasPrefix(f, "vendor/") || strings.HasSuffix(f, ".go") && !strings.HasSuffix(f, "_test.go")
}

// A Provenance says where the results that mode report publishes come
// from and what about them could not be verified.
type Provenance struct {
	// PullRequest is the pull request as the API has it.
	PullRequest *PullRequest
	// Review are the changed files that decide what the pull request's own
	// run executed ([ReviewFiles]).
	Review []string
	// Unknown, when set, is why the files the pull request changes could
	// not be listed in full; the results are then not trusted either.
	Unknown string
}

// Trusted reports whether the results may decide the status: the pull
// request changes nothing in Review, and its files are known.
func (p *Provenance) Trusted() bool { return len(p.Review) == 0 && p.Unknown == "" }

// Reason is one line on why the results are not trusted; "" when they are.
func (p *Provenance) Reason() string {
	switch {
	case p.Unknown != "":
		return "cannot tell which files the pull request changes (" + p.Unknown + ")"
	case len(p.Review) == 0:
		return ""
	case len(p.Review) <= 3:
		return "the pull request changes " + strings.Join(p.Review, ", ")
	}
	return fmt.Sprintf("the pull request changes %s and %d more", strings.Join(p.Review[:3], ", "), len(p.Review)-3)
}

func (p *Provenance) runName() string {
	if p.PullRequest.Fork {
		return "the fork's own run"
	}
	return "the pull request's own run"
}

// Notes are the lines mode report puts at the top of the report.
func (p *Provenance) Notes() []string {
	pr := p.PullRequest
	notes := []string{fmt.Sprintf("These results come from %s (the workflow run linked below, on commit %s), not from perfgate's "+
		"reporter: perfgate checked that they are for pull request #%d and compared them with the baseline at its base commit %s, "+
		"but it cannot check how that run made them.", p.runName(), short.Commit(pr.HeadSHA), pr.Number, short.Commit(pr.BaseSHA))}
	if !p.Trusted() {
		notes = append(notes, fmt.Sprintf("⚠️ Not trusted: %s, which decide what the run executed. A maintainer must look: review "+
			"those changes and the run before relying on this report. The status is error whatever the figures say.", p.Reason()))
	}
	return notes
}

// Banner is the markdown alert that mode report puts above the report of
// results that are not trusted, so that the verdict under it is not read
// alone; "" when they are trusted. It names no file (the notes do, escaped).
func (p *Provenance) Banner() string {
	if p.Trusted() {
		return ""
	}
	return "> [!CAUTION]\n> **Not trusted: a maintainer must look.** This pull request changes what its own run executed " +
		"(or its files cannot be listed), so the figures below are whatever that run reported; the commit status is `error`.\n\n"
}

// Status turns the state and description of a comparison into those of
// mode report: the description says where the results come from, and
// results that are not trusted never get success but error, with the
// reason.
func (p *Provenance) Status(state, description string) (string, string) {
	if !p.Trusted() {
		return "error", "a maintainer must review: " + p.Reason()
	}
	from := "from the fork's run: "
	if !p.PullRequest.Fork {
		from = "from the PR's run: "
	}
	return state, from + description
}

// shortSHA is a commit's 7-character abbreviation.
func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
