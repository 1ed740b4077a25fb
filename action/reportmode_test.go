package action_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perfgate/perfgate/action"
	"github.com/perfgate/perfgate/action/githubfake"
)

// The fork of the reporter's tests: forker/Hello-World, whose branch
// "changes" is pull request #2 of Codertocat/Hello-World (head ec26c3e,
// base f95f852), as in events/workflow_run-fork.json.
const (
	forkRepo   = "forker/Hello-World"
	forkRunURL = "https://github.com/Codertocat/Hello-World/actions/runs/30433642"
	// oldBaseSHA is an older commit of the base branch, whose baseline was
	// made from slower results.
	oldBaseSHA = "1c3b5e7a9f0d2c4e6a8b0d1f3e5a7c9b2d4f6a8c"
	// otherSHA is the head of another pull request, #42, someone else's.
	otherSHA = "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567"
)

// forkArtifact runs mode check as the fork's pull request's own run does
// (the head in the fork, a read-only token that may not comment nor set a
// status) on a results fixture, and returns its .perfgate directory: the
// artifact the reporter downloads.
func forkArtifact(t *testing.T, results string) string {
	t.Helper()
	c := newRunner(t, "pull_request")
	// The real pull_request payload with its head in the fork.
	data := strings.Replace(string(readFixture(t, "events/pull_request.json")),
		`"full_name": "Codertocat/Hello-World"`, `"full_name": "`+forkRepo+`"`, 1)
	ev := filepath.Join(t.TempDir(), "pull_request.json")
	if err := os.WriteFile(ev, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	c.env["GITHUB_EVENT_PATH"] = ev
	c.fake.Fail(githubfake.Failure{Method: "GET", Path: `/repos/.*/issues/2/comments`, Status: 403, Times: 1})
	c.fake.Fail(githubfake.Failure{Method: "POST", Path: `/repos/.*/statuses/.*`, Status: 403, Times: 1})
	s := c.run(map[string]string{"results": c.put(results, "results.json")})
	if s.code != exitPass && s.code != exitRegression {
		t.Fatalf("the fork's check run: exit %d\n%s", s.code, s.stderr)
	}
	return filepath.Join(c.workspace, ".perfgate")
}

// forkPulls are the open pull requests of Codertocat/Hello-World: the
// fork's #2 and, from another fork's branch of the same name, someone
// else's #42.
var forkPulls = []githubfake.PullRequest{
	{Number: prNumber, HeadRepo: forkRepo, HeadRef: "changes", HeadSHA: headSHA, BaseRef: "master", BaseSHA: baseSHA},
	{Number: 42, HeadRepo: "someone/Hello-World", HeadRef: "changes", HeadSHA: otherSHA, BaseRef: "master", BaseSHA: baseSHA},
}

// newReporter is the trusted reporter's runner on the workflow_run event of
// the fork's run, with the artifact in perfgate-artifact/ and a fake GitHub
// that lists pulls.
func newReporter(t *testing.T, artifact string, pulls []githubfake.PullRequest) *runner {
	t.Helper()
	r := newRunner(t, "workflow_run")
	r.env["GITHUB_EVENT_PATH"] = mustAbs(t, filepath.Join(actionTestdata, "events", "workflow_run-fork.json"))
	r.env["GITHUB_RUN_ID"] = "5151"
	r.fake.AddPullRequests(pulls...)
	// The old base's baseline is slow: against it, slow results pass.
	r.fake.SetFile(oldBaseSHA, "baselines/default.json", readFixture(t, "results/regression.json"))
	dst := filepath.Join(r.workspace, "perfgate-artifact")
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"results.json", "pr.json"} {
		data, err := os.ReadFile(filepath.Join(artifact, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// editPRJSON changes the artifact's pr.json as an attacker would.
func (r *runner) editPRJSON(edit func(pc *action.PRContext)) {
	r.t.Helper()
	p := filepath.Join(r.workspace, "perfgate-artifact", "pr.json")
	var pc action.PRContext
	data, err := os.ReadFile(p)
	if err == nil {
		err = json.Unmarshal(data, &pc)
	}
	if err != nil || pc.PullRequest == nil {
		r.t.Fatalf("pr.json: %v", err)
	}
	edit(&pc)
	writeJSONFile(r.t, p, &pc)
}

// TestActionReportFork runs mode report on the workflow_run event of a
// fork's run (whose pull_requests GitHub leaves empty) with an artifact
// made by mode check, honest or forged, and checks what is posted where:
// the comments on every pull request, and every commit status.
func TestActionReportFork(t *testing.T) {
	type posted struct {
		// comment is what the one comment on #2 must contain; "" for none.
		comment []string
		// state and description are the one status's on the head; "" for none.
		state, description string
	}
	for _, tc := range []struct {
		name    string
		results string
		// pulls are the pull requests the API lists (nil: forkPulls).
		pulls   []githubfake.PullRequest
		inputs  map[string]string
		setup   func(r *runner)
		code    int
		verdict string
		stderr  string
		want    posted
	}{
		{
			name: "pass", results: "results/pass.json", code: exitPass, verdict: "pass",
			setup: func(r *runner) { r.fake.SetPullRequestFiles(prNumber, "README.md", "benchmark/notes.go") },
			want: posted{comment: []string{"perfgate: pass", "These results come from the fork's own run", "pull request #\u200d2"},
				state: "success", description: "from the fork's run: pass"},
		},
		{
			name: "regression", results: "results/regression.json", code: exitRegression, verdict: "regression",
			want: posted{comment: []string{"perfgate: regression", "the fork's own run"}, state: "failure", description: "from the fork's run: regression"},
		},
		{
			// Issue 15: an artifact naming someone else's pull request got
			// perfgate's comment on it.
			name: "forged number", results: "results/pass.json", code: exitError, verdict: "error",
			setup:  func(r *runner) { r.editPRJSON(func(pc *action.PRContext) { pc.PullRequest.Number = 42 }) },
			stderr: "number: the artifact says #42, GitHub #2",
		},
		{
			// Issue 15: an artifact naming an old base commit, whose baseline
			// is slow, got a success for slow results.
			name: "forged base", results: "results/regression.json", code: exitError, verdict: "error",
			setup:  func(r *runner) { r.editPRJSON(func(pc *action.PRContext) { pc.PullRequest.BaseSHA = oldBaseSHA }) },
			stderr: "base: the artifact says " + oldBaseSHA + ", GitHub " + baseSHA,
		},
		{
			name: "forged repository", results: "results/pass.json", code: exitError, verdict: "error",
			setup:  func(r *runner) { r.editPRJSON(func(pc *action.PRContext) { pc.Repo = "octo-org/octo-repo" }) },
			stderr: "repository: the artifact says octo-org/octo-repo, GitHub Codertocat/Hello-World",
		},
		{
			name: "forged head repository", results: "results/pass.json", code: exitError, verdict: "error",
			setup: func(r *runner) {
				r.editPRJSON(func(pc *action.PRContext) {
					pc.PullRequest.HeadRepo, pc.PullRequest.Fork = "Codertocat/Hello-World", false
				})
			},
			stderr: "head repository: the artifact says Codertocat/Hello-World, GitHub " + forkRepo,
		},
		{
			name: "artifact for another commit", results: "results/pass.json", code: exitError, verdict: "error",
			setup:  func(r *runner) { r.editPRJSON(func(pc *action.PRContext) { pc.PullRequest.HeadSHA = otherSHA }) },
			stderr: "head: the artifact says " + otherSHA,
		},
		{
			// The fork's branch moved on since the run.
			name: "no matching pull request", results: "results/pass.json", code: exitError, verdict: "error",
			pulls: []githubfake.PullRequest{{Number: prNumber, HeadRepo: forkRepo, HeadRef: "changes",
				HeadSHA: otherSHA, BaseRef: "master", BaseSHA: baseSHA}},
			stderr: "no open pull request has the workflow run's head: commit ec26c3e of forker/Hello-World (branch changes); of the branch's open pull requests #2 has head 0a1b2c3",
		},
		{
			name: "closed pull request", results: "results/pass.json", code: exitError, verdict: "error",
			pulls: []githubfake.PullRequest{{Number: prNumber, State: "closed", HeadRepo: forkRepo, HeadRef: "changes",
				HeadSHA: headSHA, BaseRef: "master", BaseSHA: baseSHA}},
			stderr: "the branch has no open pull request",
		},
		{
			// One branch into two base branches: two baselines.
			name: "two matching pull requests", results: "results/pass.json", code: exitError, verdict: "error",
			pulls: append(forkPulls[:1:1], githubfake.PullRequest{Number: 3, HeadRepo: forkRepo, HeadRef: "changes",
				HeadSHA: headSHA, BaseRef: "release", BaseSHA: oldBaseSHA}),
			stderr: "more than one open pull request has the workflow run's head: commit ec26c3e of forker/Hello-World (branch changes) is the head of #2 (base master) and #3 (base release)",
		},
		{
			// The fork's own workflow made the results: whatever they say,
			// no success, and the comment says a maintainer must look.
			name: "changes the workflow", results: "results/pass.json", code: exitError, verdict: "error",
			setup:  func(r *runner) { r.fake.SetPullRequestFiles(prNumber, "README.md", ".github/workflows/perfgate.yml") },
			stderr: "the results are not trusted: the pull request changes .github/workflows/perfgate.yml",
			want: posted{comment: []string{"perfgate: pass", "Not trusted: the pull request changes .github/workflows/perfgate.yml",
				"A maintainer must look"}, state: "error", description: "a maintainer must review: the pull request changes .github/workflows/perfgate.yml"},
		},
		{
			name: "changes the action's source in an action's repository", results: "results/pass.json", code: exitError, verdict: "error",
			setup: func(r *runner) {
				r.fake.SetFile(baseSHA, "action.yml", []byte("name: perfgate\nruns:\n  using: docker\n  image: Dockerfile\n"))
				r.fake.SetPullRequestFiles(prNumber, "cmd/perfgate/action.go", "cmd/perfgate/action_test.go")
			},
			stderr: "not trusted: the pull request changes cmd/perfgate/action.go",
			want: posted{comment: []string{"Not trusted: the pull request changes cmd/perfgate/action.go, which"},
				state: "error", description: "a maintainer must review: the pull request changes cmd/perfgate/action.go"},
		},
		{
			// The reporter reads the history at the base commit as check
			// mode does: the trend ends with the fork's point, and a
			// release candidate is judged against the last release too.
			name: "trend and release", results: "results/pass.json", code: exitRegression, verdict: "regression",
			inputs: map[string]string{"compare-to": "both"},
			setup:  func(r *runner) { pushHistory(r.t, r, 12, 9, 0.6) },
			want: posted{comment: []string{"on master: last 12 commits then PR-2", "## Against the base commit f95f852", "## Against release v1.0.0",
				"against the base commit f95f852: pass; against release v1.0.0: regression", "the fork's own run"},
				state: "failure", description: "from the fork's run: release v1.0.0: regression"},
		},
		{
			name: "no baseline at the base", results: "results/pass.json", code: exitPass, verdict: "pass",
			inputs: map[string]string{"baseline": "baselines/other.json"},
			want: posted{comment: []string{"There is no baseline baselines/other.json on the base commit f95f852", "mode baseline on the default branch"},
				state: "success", description: "from the fork's run: pass"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pulls := tc.pulls
			if pulls == nil {
				pulls = forkPulls
			}
			r := newReporter(t, forkArtifact(t, tc.results), pulls)
			if tc.setup != nil {
				tc.setup(r)
			}
			inputs := map[string]string{"mode": "report", "results": "perfgate-artifact/results.json"}
			for k, v := range tc.inputs {
				inputs[k] = v
			}
			s := r.run(inputs)
			if s.code != tc.code {
				t.Errorf("exit code %d, want %d\nstderr: %s", s.code, tc.code, s.stderr)
			}
			s.mustOutputs(t, map[string]string{"verdict": tc.verdict})
			if tc.stderr != "" && !strings.Contains(s.stderr, tc.stderr) {
				t.Errorf("stderr does not say %q:\n%s", tc.stderr, s.stderr)
			}
			all := r.fake.AllComments()
			switch {
			case tc.want.comment == nil && len(all) > 0:
				t.Errorf("posted %d comment(s), first on #%d:\n%s", len(all), all[0].Number, all[0].Body)
			case tc.want.comment != nil && (len(all) != 1 || all[0].Number != prNumber):
				t.Errorf("comments %+v, want one on #%d", all, prNumber)
			case tc.want.comment != nil:
				// Results that are not trusted: the caution comes first,
				// above the verdict.
				caution := strings.HasPrefix(all[0].Body, action.Marker("perfgate")+"\n> [!CAUTION]\n> **Not trusted: a maintainer must look.**")
				if caution != (tc.want.state == "error") {
					t.Errorf("caution first: %v, want %v:\n%s", caution, tc.want.state == "error", all[0].Body)
				}
				for _, w := range tc.want.comment {
					if !strings.Contains(all[0].Body, w) {
						t.Errorf("the comment does not say %q:\n%s", w, all[0].Body)
					}
				}
				if strings.Contains(all[0].Body, "perfgate baseline --results") {
					t.Errorf("the comment asks for a baseline from the fork's results:\n%s", all[0].Body)
				}
			}
			st := r.fake.Statuses()
			switch {
			case tc.want.state == "" && len(st) > 0:
				t.Errorf("statuses %+v, want none", st)
			case tc.want.state != "" && (len(st) != 1 || st[0].SHA != headSHA || st[0].State != tc.want.state ||
				!strings.HasPrefix(st[0].Description, tc.want.description) || st[0].TargetURL != forkRunURL):
				t.Errorf("statuses %+v, want one %s on %s: %q…, linking to %s", st, tc.want.state, headSHA, tc.want.description, forkRunURL)
			}
			// The baseline is read at the API's base commit only, and the
			// release's at the release's commit as the history at the base
			// commit names it.
			for _, req := range r.fake.Requests() {
				release := tc.inputs["compare-to"] != "" && req.Query == "ref="+pushCommit(9)
				if strings.HasSuffix(req.Path, "/contents/baselines/default.json") && req.Query != "ref="+baseSHA && !release {
					t.Errorf("the baseline was read at %s", req.Query)
				}
				if strings.HasSuffix(req.Path, "/contents/baselines/history.jsonl") && req.Query != "ref="+baseSHA {
					t.Errorf("the history was read at %s", req.Query)
				}
				if strings.HasSuffix(req.Path, "/pulls") && !strings.Contains(req.Query, "head=forker%3Achanges") {
					t.Errorf("pull requests listed with %s", req.Query)
				}
			}
		})
	}

	t.Run("no pr.json", func(t *testing.T) {
		r := newReporter(t, forkArtifact(t, "results/pass.json"), forkPulls)
		r.put("results/pass.json", "lonely/results.json")
		s := r.run(map[string]string{"mode": "report", "results": "lonely/results.json"})
		s.mustCode(t, exitError)
		if !strings.Contains(s.stderr, "pr.json") || len(r.fake.Requests()) != 0 {
			t.Errorf("stderr: %s; %d API calls", s.stderr, len(r.fake.Requests()))
		}
	})
}
