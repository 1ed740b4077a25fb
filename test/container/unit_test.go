package container

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/perfgate/perfgate/action"
)

// These tests check the container test's own parts (the runner's file
// commands, action.yml's defaults, the fake GitHub) without buildah or
// root, so that `go test ./...` keeps them honest.

func TestReadFileCommand(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     map[string]string
		wantErr  string
	}{
		{"empty", "", map[string]string{}, ""},
		{"name=value", "verdict=pass\nregressed=false\n", map[string]string{"verdict": "pass", "regressed": "false"}, ""},
		{"value with =", "url=http://x/?a=b\n", map[string]string{"url": "http://x/?a=b"}, ""},
		{"heredoc", "report<<ghadelimiter_1\nline 1\n\nline 3\nghadelimiter_1\nverdict=pass\n",
			map[string]string{"report": "line 1\n\nline 3", "verdict": "pass"}, ""},
		{"heredoc empty value", "comment-url<<EOF\nEOF\n", map[string]string{"comment-url": ""}, ""},
		{"later wins", "verdict=pass\nverdict=regression\n", map[string]string{"verdict": "regression"}, ""},
		{"unclosed heredoc", "report<<D\nvalue\n", nil, "never closed"},
		{"neither form", "just text\n", nil, "neither"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "set_output")
			if err := os.WriteFile(p, []byte(tc.in), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := readFileCommand(p)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// FuzzReadFileCommand writes a value the way go-githubactions does (a
// heredoc with a delimiter the value does not contain) and reads it back.
func FuzzReadFileCommand(f *testing.F) {
	f.Add("verdict", "pass")
	f.Add("report-markdown", ".perfgate/report.md")
	f.Add("summary", "| a | b |\n| --- | --- |\n| 1 | 2 |")
	f.Add("x", "")
	f.Fuzz(func(t *testing.T, name, value string) {
		if name == "" || strings.ContainsAny(name, "=<\n\r") || strings.ContainsAny(value, "\r") ||
			strings.HasSuffix(value, "\n") {
			t.Skip()
		}
		delim := "ghadelimiter_0123"
		if strings.Contains(value, delim) {
			t.Skip()
		}
		p := filepath.Join(t.TempDir(), "out")
		if err := os.WriteFile(p, []byte(name+"<<"+delim+"\n"+value+"\n"+delim+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := readFileCommand(p)
		if err != nil {
			t.Fatal(err)
		}
		if got[name] != value {
			t.Fatalf("read %q, wrote %q", got[name], value)
		}
	})
}

func TestActionInputs(t *testing.T) {
	t.Run("the real action.yml", func(t *testing.T) {
		if _, err := os.Stat("../../action.yml"); err != nil {
			t.Skip("no action.yml yet")
		}
		in, err := actionInputs("../../action.yml", "TOKEN")
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range map[string]string{"mode": "check", "github-token": "TOKEN"} {
			if in[k] != v {
				t.Errorf("input %s defaults to %q, want %q", k, in[k], v)
			}
		}
	})
	for _, tc := range []struct {
		name, yml string
		want      map[string]string
		wantErr   string
	}{
		{"defaults and token", "runs: {using: docker, image: Dockerfile}\ninputs:\n  a: {default: x}\n  b: {required: true}\n  github-token: {default: '${{ github.token }}'}\n",
			map[string]string{"a": "x", "github-token": "T"}, ""},
		{"other expression", "runs: {using: docker, image: Dockerfile}\ninputs:\n  r: {default: '${{ github.repository }}'}\n", nil, "does not evaluate"},
		{"not docker", "runs: {using: node20, main: index.js}\n", nil, "Docker action"},
		{"entrypoint override", "runs: {using: docker, image: Dockerfile, entrypoint: /bin/sh}\n", nil, "ENTRYPOINT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "action.yml")
			if err := os.WriteFile(p, []byte(tc.yml), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := actionInputs(p, "T")
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestInputEnv(t *testing.T) {
	for in, want := range map[string]string{"mode": "INPUT_MODE", "github-token": "INPUT_GITHUB-TOKEN", "status context": "INPUT_STATUS_CONTEXT"} {
		if got := inputEnv(in); got != want {
			t.Errorf("inputEnv(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestFakeGitHub drives the fake with the action's own GitHub client, so
// that the fake speaks what the action expects: pagination, comment
// create/edit, statuses, raw contents at a ref and the files of a PR.
func TestFakeGitHub(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir := t.TempDir()
	bare := filepath.Join(dir, "remote.git")
	work := filepath.Join(dir, "work")
	run := func(d string, args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", d, "-c", "user.name=t", "-c", "user.email=t@t.invalid", "-c", "init.defaultBranch=main"}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	run(dir, "init", "-q", "--bare", bare)
	run(dir, "init", "-q", work)
	if err := os.WriteFile(filepath.Join(work, "README.md"), []byte("base\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run(work, "add", "-A")
	run(work, "commit", "-q", "-m", "base")
	base := run(work, "rev-parse", "HEAD")
	if err := os.MkdirAll(filepath.Join(work, "baselines"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "baselines/default.json"), []byte(`{"x":1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	run(work, "add", "-A")
	run(work, "commit", "-q", "-m", "head")
	head := run(work, "rev-parse", "HEAD")
	run(work, "push", "-q", bare, "HEAD:refs/heads/main")

	f := newFakeGitHub("o", "r", "tok", bare)
	defer f.Close()
	f.setPR(3, base, head)
	gh, err := action.NewGitHub(action.GitHubOptions{APIURL: f.URL(), Token: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, repo := context.Background(), action.Repo{Owner: "o", Name: "r"}

	var ids []int64
	for i := 0; i < 3; i++ {
		c, err := gh.CreateComment(ctx, repo, 3, "comment "+string(rune('a'+i)))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	if _, err := gh.EditComment(ctx, repo, ids[2], "edited"); err != nil {
		t.Fatal(err)
	}
	var all []action.Comment
	for page := 1; page != 0; {
		cs, next, err := gh.ListComments(ctx, repo, 3, action.Page{Number: page, PerPage: 2})
		if err != nil {
			t.Fatal(err)
		}
		all, page = append(all, cs...), next
	}
	if len(all) != 3 || all[2].Body != "edited" || all[2].HTMLURL == "" {
		t.Errorf("listed %+v, want 3 comments, the last edited", all)
	}
	if err := gh.CreateStatus(ctx, repo, head, action.Status{State: "success", Context: "perfgate", Description: "ok"}); err != nil {
		t.Fatal(err)
	}
	if err := gh.CreateStatus(ctx, repo, strings.Repeat("0", 40), action.Status{State: "success", Context: "perfgate"}); err == nil {
		t.Error("a status on an unknown commit was accepted")
	}
	if data, err := gh.GetFile(ctx, repo, "baselines/default.json", head); err != nil || string(data) != `{"x":1}` {
		t.Errorf("GetFile at head: %q, %v", data, err)
	}
	if _, err := gh.GetFile(ctx, repo, "baselines/default.json", base); err == nil {
		t.Error("GetFile at base found a file the base lacks")
	}
	files, _, err := gh.ListPullRequestFiles(ctx, repo, 3, action.Page{Number: 1})
	if err != nil || !reflect.DeepEqual(files, []string{"baselines/default.json"}) {
		t.Errorf("ListPullRequestFiles: %q, %v", files, err)
	}
	bad, _ := action.NewGitHub(action.GitHubOptions{APIURL: f.URL(), Token: "wrong"})
	if _, err := bad.CreateComment(ctx, repo, 3, "x"); err == nil {
		t.Error("a wrong token was accepted")
	}
	comments, statuses, _, unexpected := f.snapshot()
	if len(comments[3]) != 3 || comments[3][2].Edits != 1 || len(statuses) != 1 || statuses[0].SHA != head {
		t.Errorf("recorded comments %+v statuses %+v", comments, statuses)
	}
	if len(unexpected) > 0 {
		t.Errorf("unexpected routes: %v", unexpected)
	}
}
