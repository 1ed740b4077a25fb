package action_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perfgate/perfgate/action"
)

// events holds real webhook payloads (from GitHub's documented examples).
const events = "../cmd/perfgate/testdata/action/events"

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

func FuzzReadEvent(f *testing.F) {
	for _, n := range []string{"pull_request", "push", "workflow_run"} {
		data, err := os.ReadFile(filepath.Join(events, n+".json"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(n, data)
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		p := filepath.Join(t.TempDir(), "event.json")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		ev, err := action.ReadEvent(envFrom(map[string]string{"GITHUB_EVENT_NAME": name, "GITHUB_EVENT_PATH": p}))
		if err == nil && ev == nil {
			t.Fatal("nil event without error")
		}
	})
}
