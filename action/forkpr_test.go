package action_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perfgate/perfgate/action"
	"github.com/perfgate/perfgate/action/githubfake"
)

const (
	base  = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e"
	other = "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567"
)

// forkRun is the workflow run of events/workflow_run-fork.json: a fork's
// pull_request run, whose pull_requests GitHub leaves empty.
func forkRun(t *testing.T) *action.WorkflowRun {
	t.Helper()
	ev, err := action.ReadEvent(envFrom(map[string]string{
		"GITHUB_EVENT_NAME": "workflow_run", "GITHUB_EVENT_PATH": filepath.Join(events, "workflow_run-fork.json"),
	}))
	if err != nil {
		t.Fatal(err)
	}
	return ev.WorkflowRun
}

func TestReadEventForkRun(t *testing.T) {
	wr := forkRun(t)
	want := action.WorkflowRun{ID: 30433642, Event: "pull_request", HeadSHA: sha, Conclusion: "success",
		HTMLURL:    "https://github.com/Codertocat/Hello-World/actions/runs/30433642",
		HeadBranch: "changes", HeadRepo: "forker/Hello-World", HeadOwner: "forker"}
	if fmt.Sprintf("%+v", *wr) != fmt.Sprintf("%+v", want) {
		t.Errorf("workflow run\n %+v\nwant\n %+v", *wr, want)
	}
}

func TestMatchRunPullRequest(t *testing.T) {
	fork := action.PullRequest{Number: 2, HeadSHA: sha, BaseSHA: base, BaseRef: "master", HeadRef: "changes", HeadRepo: "forker/Hello-World", Fork: true}
	withNumber := func(pr action.PullRequest, n int, baseRef string) action.PullRequest {
		pr.Number, pr.BaseRef = n, baseRef
		return pr
	}
	moved := fork
	moved.HeadSHA = other
	elsewhere := fork
	elsewhere.Number, elsewhere.HeadRepo = 9, "someone/Hello-World"
	for _, tc := range []struct {
		name       string
		listed     []action.PullRequest // the run's pull requests, as the event lists them
		candidates []action.PullRequest
		want       int
		err        error
		msg        string
	}{
		{name: "the fork's", candidates: []action.PullRequest{fork}, want: 2},
		{name: "among others", candidates: []action.PullRequest{elsewhere, moved, fork}, want: 2},
		{name: "head repository in other case", candidates: []action.PullRequest{func() action.PullRequest {
			p := fork
			p.HeadRepo = "Forker/hello-world"
			return p
		}()}, want: 2},
		{name: "none", err: action.ErrNoPullRequest, msg: "commit ec26c3e of forker/Hello-World (branch changes); the branch has no open pull request"},
		{name: "head moved on", candidates: []action.PullRequest{moved}, err: action.ErrNoPullRequest,
			msg: "#2 has head 0a1b2c3 in forker/Hello-World"},
		{name: "same commit in another repository", candidates: []action.PullRequest{elsewhere}, err: action.ErrNoPullRequest,
			msg: "#9 has head ec26c3e in someone/Hello-World"},
		{name: "two base branches", candidates: []action.PullRequest{fork, withNumber(fork, 3, "release")}, err: action.ErrAmbiguousPullRequest,
			msg: "is the head of #2 (base master) and #3 (base release)"},
		{name: "listed by the event", listed: []action.PullRequest{{Number: 2}}, candidates: []action.PullRequest{fork, withNumber(fork, 3, "release")}, want: 2},
		{name: "not listed by the event", listed: []action.PullRequest{{Number: 5}}, candidates: []action.PullRequest{fork}, err: action.ErrNoPullRequest,
			msg: "#2 is not among the run's pull requests"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wr := forkRun(t)
			wr.PullRequests = tc.listed
			pr, err := action.MatchRunPullRequest(wr, tc.candidates)
			if tc.err != nil {
				if !errors.Is(err, tc.err) || !strings.Contains(err.Error(), tc.msg) || pr != nil {
					t.Errorf("got %+v, %v; want %v saying %q", pr, err, tc.err, tc.msg)
				}
				return
			}
			if err != nil || pr.Number != tc.want {
				t.Errorf("got %+v, %v; want #%d", pr, err, tc.want)
			}
		})
	}
}

func TestRunPullRequest(t *testing.T) {
	ctx := context.Background()
	p, fake, _ := newPublisher(t)
	fake.AddPullRequests(
		githubfake.PullRequest{Number: 2, HeadRepo: "forker/Hello-World", HeadRef: "changes", HeadSHA: sha, BaseRef: "master", BaseSHA: base},
		githubfake.PullRequest{Number: 4, HeadRepo: "forker/Hello-World", HeadRef: "other-branch", HeadSHA: sha, BaseRef: "master", BaseSHA: base},
		githubfake.PullRequest{Number: 1, State: "closed", HeadRepo: "forker/Hello-World", HeadRef: "changes", HeadSHA: sha, BaseRef: "release", BaseSHA: other},
		githubfake.PullRequest{Number: 42, HeadRepo: "someone/Hello-World", HeadRef: "changes", HeadSHA: other, BaseRef: "master", BaseSHA: base},
	)
	pr, err := action.RunPullRequest(ctx, p.API, p.Repo, forkRun(t))
	if err != nil {
		t.Fatal(err)
	}
	want := action.PullRequest{Number: 2, HeadSHA: sha, BaseSHA: base, BaseRef: "master", HeadRef: "changes", HeadRepo: "forker/Hello-World",
		Fork: true, HTMLURL: "https://github.example/Codertocat/Hello-World/pull/2"}
	if *pr != want {
		t.Errorf("pull request\n %+v\nwant\n %+v", *pr, want)
	}
	reqs := fake.Requests()
	if len(reqs) != 1 || reqs[0].Method != "GET" || reqs[0].Path != "/repos/Codertocat/Hello-World/pulls" ||
		!strings.Contains(reqs[0].Query, "head=forker%3Achanges") || !strings.Contains(reqs[0].Query, "state=open") {
		t.Errorf("requests %+v", reqs)
	}

	t.Run("refused", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			edit func(wr *action.WorkflowRun) *action.WorkflowRun
			want string
		}{
			{"no workflow run", func(*action.WorkflowRun) *action.WorkflowRun { return nil }, "the event is not workflow_run"},
			{"a push's run", func(wr *action.WorkflowRun) *action.WorkflowRun { wr.Event = "push"; return wr }, `a "push" event, not pull_request`},
			{"no head branch", func(wr *action.WorkflowRun) *action.WorkflowRun { wr.HeadBranch = ""; return wr }, "lacks the run's head"},
			{"no head repository", func(wr *action.WorkflowRun) *action.WorkflowRun { wr.HeadRepo = ""; return wr }, "lacks the run's head"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := action.RunPullRequest(ctx, p.API, p.Repo, tc.edit(forkRun(t)))
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("err = %v, want %q", err, tc.want)
				}
			})
		}
	})
	t.Run("403", func(t *testing.T) {
		fake.Fail(githubfake.Failure{Method: "GET", Path: `/repos/.*/pulls`, Status: 403, Times: 1})
		_, err := action.RunPullRequest(ctx, p.API, p.Repo, forkRun(t))
		var ce *action.CallError
		if !errors.As(err, &ce) || ce.Call != action.CallListPulls || !strings.Contains(err.Error(), `"pull-requests: read"`) {
			t.Errorf("err = %v", err)
		}
	})
}

func TestCheckClaim(t *testing.T) {
	repo := action.Repo{Owner: "Codertocat", Name: "Hello-World"}
	trusted := &action.PullRequest{Number: 2, HeadSHA: sha, BaseSHA: base, HeadRepo: "forker/Hello-World", Fork: true}
	honest := action.Claim{Repo: "Codertocat/Hello-World", PullRequest: *trusted}
	for _, tc := range []struct {
		name string
		edit func(c *action.Claim)
		want []string // the disagreeing fields, in order
	}{
		{"honest", func(*action.Claim) {}, nil},
		{"repository in other case", func(c *action.Claim) { c.Repo = "codertocat/hello-world" }, nil},
		{"number", func(c *action.Claim) { c.PullRequest.Number = 42 }, []string{"number"}},
		{"base", func(c *action.Claim) { c.PullRequest.BaseSHA = other }, []string{"base"}},
		{"no base", func(c *action.Claim) { c.PullRequest.BaseSHA = "" }, []string{"base"}},
		{"repository", func(c *action.Claim) { c.Repo = "octo-org/octo-repo" }, []string{"repository"}},
		{"head repository", func(c *action.Claim) { c.PullRequest.HeadRepo = "Codertocat/Hello-World" }, []string{"head repository"}},
		{"head", func(c *action.Claim) { c.PullRequest.HeadSHA = other }, []string{"head"}},
		{"all", func(c *action.Claim) { *c = action.Claim{PullRequest: action.PullRequest{Number: 7}} },
			[]string{"number", "base", "repository", "head repository", "head"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := honest
			tc.edit(&c)
			err := action.CheckClaim(c, repo, trusted)
			if tc.want == nil {
				if err != nil {
					t.Errorf("err = %v", err)
				}
				return
			}
			var ce *action.ClaimError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a *ClaimError", err)
			}
			var fields []string
			for _, d := range ce.Disagreements {
				fields = append(fields, d.Field)
				if !strings.Contains(err.Error(), fmt.Sprintf("%s: the artifact says %s, GitHub %s", d.Field, d.Claimed, d.Trusted)) {
					t.Errorf("the error does not say %+v: %v", d, err)
				}
			}
			if strings.Join(fields, ",") != strings.Join(tc.want, ",") {
				t.Errorf("disagreements %v, want %v", fields, tc.want)
			}
		})
	}
	err := action.CheckClaim(action.Claim{Repo: honest.Repo, PullRequest: action.PullRequest{Number: 42, HeadSHA: sha, BaseSHA: base, HeadRepo: "forker/Hello-World"}}, repo, trusted)
	if err == nil || err.Error() != "the artifact's pr.json disagrees with the pull request GitHub lists for the workflow run: number: the artifact says #42, GitHub #2" {
		t.Errorf("err = %v", err)
	}
}

func TestReviewFiles(t *testing.T) {
	for _, tc := range []struct {
		file           string
		any, inActions bool // in any repository; in an action's repository
	}{
		{".github/workflows/perfgate.yml", true, true},
		{".github/workflows/new.yaml", true, true},
		{".github/actions/setup/action.yml", true, true},
		{".github/CODEOWNERS", false, false},
		{"README.md", false, false},
		{"baselines/default.json", false, false},
		{"action.yml", false, true},
		{"action.yaml", false, true},
		{"Dockerfile", false, true},
		{".dockerignore", false, true},
		{"go.mod", false, true},
		{"go.sum", false, true},
		{"vendor/github.com/x/y/y.go", false, true},
		{"cmd/perfgate/action.go", false, true},
		{"cmd/perfgate/action_test.go", false, false},
		{"check/testdata/golden/pass.md", false, false},
		{"test/container/Dockerfile.test", false, false},
	} {
		t.Run(tc.file, func(t *testing.T) {
			for _, actionRepo := range []bool{false, true} {
				want := tc.any
				if actionRepo {
					want = tc.inActions
				}
				got := action.ReviewFiles([]string{"README.md", tc.file, "docs/x.md"}, actionRepo)
				if (len(got) == 1 && got[0] == tc.file) != want || len(got) > 1 {
					t.Errorf("action repository %v: review %q, want %v", actionRepo, got, want)
				}
			}
		})
	}
}

func TestProvenance(t *testing.T) {
	fork := &action.PullRequest{Number: 2, HeadSHA: sha, BaseSHA: base, HeadRepo: "forker/Hello-World", Fork: true}
	same := &action.PullRequest{Number: 2, HeadSHA: sha, BaseSHA: base, HeadRepo: "Codertocat/Hello-World"}
	for _, tc := range []struct {
		name        string
		p           action.Provenance
		state, desc string // from the comparison's success, "pass: …"
		notes       []string
	}{
		{"fork", action.Provenance{PullRequest: fork}, "success", "from the fork's run: pass: circuit p95 +1 %",
			[]string{"These results come from the fork's own run (the workflow run linked below, on commit ec26c3e), not from perfgate's reporter: " +
				"perfgate checked that they are for pull request #2 and compared them with the baseline at its base commit f95f852, but it cannot check how that run made them."}},
		{"same repository", action.Provenance{PullRequest: same}, "success", "from the PR's run: pass: circuit p95 +1 %",
			[]string{"These results come from the pull request's own run"}},
		{"workflow", action.Provenance{PullRequest: fork, Review: []string{".github/workflows/perfgate.yml"}}, "error",
			"a maintainer must review: the pull request changes .github/workflows/perfgate.yml",
			[]string{"the fork's own run", "⚠️ Not trusted: the pull request changes .github/workflows/perfgate.yml, which decide what the run executed. A maintainer must look"}},
		{"many files", action.Provenance{PullRequest: fork, Review: []string{"a.go", "b.go", "c.go", "d.go", "e.go"}}, "error",
			"a maintainer must review: the pull request changes a.go, b.go, c.go and 2 more", []string{"", "Not trusted: the pull request changes a.go, b.go, c.go and 2 more"}},
		{"files unknown", action.Provenance{PullRequest: fork, Unknown: "GitHub lists only its first 3000 files"}, "error",
			"a maintainer must review: cannot tell which files the pull request changes (GitHub lists only its first 3000 files)", []string{"", "Not trusted: cannot tell"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			state, desc := tc.p.Status("success", "pass: circuit p95 +1 %")
			if state != tc.state || desc != tc.desc {
				t.Errorf("status %s %q, want %s %q", state, desc, tc.state, tc.desc)
			}
			notes := tc.p.Notes()
			if len(notes) != len(tc.notes) {
				t.Fatalf("notes %q", notes)
			}
			for i, n := range tc.notes {
				if !strings.Contains(notes[i], n) {
					t.Errorf("note %d %q does not say %q", i, notes[i], n)
				}
			}
			if banner := tc.p.Banner(); (banner != "") != (tc.state == "error") || banner != "" && !strings.HasPrefix(banner, "> [!CAUTION]\n") {
				t.Errorf("banner %q", banner)
			}
			if tc.p.Trusted() != (tc.state != "error") || tc.p.Trusted() != (tc.p.Reason() == "") {
				t.Errorf("trusted %v, reason %q", tc.p.Trusted(), tc.p.Reason())
			}
		})
	}
}

func TestPullRequestFiles(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		n        int
		pages    int
		complete bool
	}{{0, 1, true}, {250, 3, true}, {2900, 29, true}, {3000, 30, false}} {
		t.Run(fmt.Sprint(tc.n), func(t *testing.T) {
			p, fake, _ := newPublisher(t)
			var files []string
			for i := 0; i < tc.n; i++ {
				files = append(files, fmt.Sprintf("src/f%04d.go", i))
			}
			fake.SetPullRequestFiles(2, files...)
			got, complete, err := action.PullRequestFiles(ctx, p.API, p.Repo, 2)
			if err != nil || len(got) != tc.n || complete != tc.complete {
				t.Errorf("%d files, complete %v, %v; want %d, %v", len(got), complete, err, tc.n, tc.complete)
			}
			if n := fake.Count("GET", `/repos/Codertocat/Hello-World/pulls/2/files`); n != tc.pages {
				t.Errorf("%d pages, want %d", n, tc.pages)
			}
		})
	}
}
