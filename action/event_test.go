package action_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perfgate/perfgate/action"
)

// events holds real webhook payloads (from GitHub's documented examples).
const events = "testdata/action/events"

func envFrom(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestReadEvent(t *testing.T) {
	t.Run("pull_request", func(t *testing.T) {
		ev, err := action.ReadEvent(envFrom(map[string]string{
			"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": filepath.Join(events, "pull_request.json"),
			"GITHUB_REPOSITORY": "Codertocat/Hello-World", "GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": "42",
		}))
		if err != nil {
			t.Fatal(err)
		}
		pr := ev.PullRequest
		if pr == nil || pr.Number != 2 || pr.HeadSHA != "ec26c3e57ca3a959ca5aad62de7213c562f8c821" ||
			pr.BaseSHA != "f95f852bd8fca8fcc58a9a2d6c842781e32a215e" || pr.BaseRef != "master" || pr.Fork {
			t.Errorf("pull request %+v", pr)
		}
		if ev.RunURL != "https://github.com/Codertocat/Hello-World/actions/runs/42" {
			t.Errorf("run URL %q", ev.RunURL)
		}
	})
	t.Run("pull_request from a fork", func(t *testing.T) {
		data, err := os.ReadFile(filepath.Join(events, "pull_request.json"))
		if err != nil {
			t.Fatal(err)
		}
		// The head's repository is the fork's.
		s := strings.Replace(string(data), `"full_name": "Codertocat/Hello-World"`, `"full_name": "forker/Hello-World"`, 1)
		p := filepath.Join(t.TempDir(), "event.json")
		os.WriteFile(p, []byte(s), 0o644)
		ev, err := action.ReadEvent(envFrom(map[string]string{"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": p}))
		if err != nil {
			t.Fatal(err)
		}
		if !ev.PullRequest.Fork || ev.Repo.String() != "Codertocat/Hello-World" {
			t.Errorf("event %+v, pull request %+v", ev, ev.PullRequest)
		}
	})
	t.Run("push", func(t *testing.T) {
		ev, err := action.ReadEvent(envFrom(map[string]string{
			"GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": filepath.Join(events, "push.json"),
		}))
		if err != nil {
			t.Fatal(err)
		}
		if !ev.OnDefaultBranch() || ev.SHA != "6113728f27ae82c7b1a177c8d03f9e96e0adf246" || ev.PullRequest != nil {
			t.Errorf("event %+v", ev)
		}
		// GitHub's example pushes a new branch: before is all zeros.
		if ev.Before != "" {
			t.Errorf("before %q for a new branch, want empty", ev.Before)
		}
		other, err := action.ParseEvent("push", []byte(`{"ref":"refs/heads/main","before":"f95f852bd8fca8fcc58a9a2d6c842781e32a215e","after":"6113728f27ae82c7b1a177c8d03f9e96e0adf246"}`))
		if err != nil || other.Before != "f95f852bd8fca8fcc58a9a2d6c842781e32a215e" {
			t.Errorf("before %q, %v", other.Before, err)
		}
	})
	t.Run("workflow_run", func(t *testing.T) {
		ev, err := action.ReadEvent(envFrom(map[string]string{
			"GITHUB_EVENT_NAME": "workflow_run", "GITHUB_EVENT_PATH": filepath.Join(events, "workflow_run.json"),
		}))
		if err != nil {
			t.Fatal(err)
		}
		wr := ev.WorkflowRun
		if wr == nil || wr.HeadSHA == "" || len(wr.PullRequests) != 1 || wr.PullRequests[0].Number != 2 {
			t.Errorf("workflow run %+v", wr)
		}
	})
	t.Run("errors", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "bad.json")
		os.WriteFile(bad, []byte("{"), 0o644)
		for name, env := range map[string]map[string]string{
			"missing payload": {"GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": "/nonexistent/event.json"},
			"bad payload":     {"GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": bad},
			"bad repository":  {"GITHUB_REPOSITORY": "nobody"},
		} {
			if _, err := action.ReadEvent(envFrom(env)); err == nil {
				t.Errorf("%s: no error", name)
			}
		}
	})
}

func FuzzParseEvent(f *testing.F) {
	// Small seeds: the fields ReadEvent uses, cut from the real payloads
	// (whole payloads of 20-30 KB slow the fuzzer to a crawl).
	f.Add("pull_request", []byte(`{"action":"synchronize","number":2,"pull_request":{"number":2,"html_url":"https://github.com/Codertocat/Hello-World/pull/2",`+
		`"head":{"ref":"changes","sha":"ec26c3e57ca3a959ca5aad62de7213c562f8c821","repo":{"full_name":"Codertocat/Hello-World"}},`+
		`"base":{"ref":"master","sha":"f95f852bd8fca8fcc58a9a2d6c842781e32a215e","repo":{"full_name":"Codertocat/Hello-World"}}},`+
		`"repository":{"full_name":"Codertocat/Hello-World","default_branch":"master"}}`))
	f.Add("push", []byte(`{"ref":"refs/heads/master","before":"0000000000000000000000000000000000000000",`+
		`"after":"6113728f27ae82c7b1a177c8d03f9e96e0adf246","repository":{"full_name":"Codertocat/Hello-World","default_branch":"master"}}`))
	f.Add("workflow_run", []byte(`{"action":"completed","workflow_run":{"id":1,"event":"pull_request","head_sha":"ec26c3e57ca3a959ca5aad62de7213c562f8c821",`+
		`"conclusion":"failure","html_url":"https://github.com/o/r/actions/runs/1","pull_requests":[{"number":2,"head":{"sha":"ec26c3e57ca3a959ca5aad62de7213c562f8c821"}}]},`+
		`"repository":{"full_name":"octo-org/octo-repo"}}`))
	f.Add("pull_request", []byte(`{"pull_request":null}`))
	f.Add("workflow_run", []byte(`{"workflow_run":{"pull_requests":[null]}}`))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		ev, err := action.ParseEvent(name, data)
		if err == nil && ev == nil {
			t.Fatal("nil event without error")
		}
		if err == nil && (name == "pull_request" || name == "pull_request_target") && ev.PullRequest == nil {
			t.Fatal("a pull_request event without its pull request")
		}
	})
}
