package container

import (
	"context"
	"fmt"
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

func TestDockerCaps(t *testing.T) {
	// CapEff of a process in `docker run debian grep Cap /proc/self/status`.
	if got, want := dockerCapMask(), uint64(0x00000000a80425fb); got != want {
		t.Errorf("dockerCapMask() = %016x (%s), want Docker's %016x (%s)", got, describeCaps(got), want, describeCaps(want))
	}
	if len(capNames) != 41 {
		t.Errorf("capNames has %d capabilities, want 41 (CAP_CHOWN … CAP_CHECKPOINT_RESTORE)", len(capNames))
	}
	dir := t.TempDir()
	env, err := containersConf(dir)
	if err != nil {
		t.Fatal(err)
	}
	conf, err := os.ReadFile(filepath.Join(dir, "containers.conf"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(conf), `default_capabilities = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", `) || len(env) == 0 {
		t.Errorf("containers.conf does not give Docker's capabilities:\n%s", conf)
	}
}

func TestParseProcStatus(t *testing.T) {
	docker := "Name:\tcat\nUmask:\t0022\nState:\tR (running)\nCapInh:\t0000000000000000\nCapPrm:\t00000000a80425fb\n" +
		"CapEff:\t00000000a80425fb\nCapBnd:\t00000000a80425fb\nCapAmb:\t0000000000000000\nNoNewPrivs:\t0\nSeccomp:\t2\nSeccomp_filters:\t1\n"
	pc, err := parseProcStatus([]byte(docker))
	if err != nil {
		t.Fatal(err)
	}
	if want := (procCaps{Prm: 0xa80425fb, Eff: 0xa80425fb, Bnd: 0xa80425fb, Seccomp: 2}); pc != want {
		t.Errorf("parseProcStatus = %+v, want %+v", pc, want)
	}
	if d := checkDockerCaps(pc); d != "" {
		t.Errorf("checkDockerCaps(Docker's) = %q, want no difference", d)
	}
	root := strings.NewReplacer("00000000a80425fb", "000001ffffffffff").Replace(docker)
	pc, err = parseProcStatus([]byte(root))
	if err != nil {
		t.Fatal(err)
	}
	if d := checkDockerCaps(pc); !strings.Contains(d, "CapEff 000001ffffffffff") || !strings.Contains(d, "CAP_SYS_ADMIN") || strings.Contains(d, "missing") {
		t.Errorf("checkDockerCaps(all) = %q: want CapEff named with CAP_SYS_ADMIN among the extra ones", d)
	}
	if _, err := parseProcStatus([]byte("Name:\tcat\nCapEff:\tzz\n")); err == nil {
		t.Error("parseProcStatus accepted a bad CapEff")
	}
	if _, err := parseProcStatus([]byte("Name:\tcat\n")); err == nil {
		t.Error("parseProcStatus accepted a status without capability lines")
	}
	self, err := readProcCaps(os.Getpid())
	if err != nil {
		t.Fatalf("readProcCaps(self): %v", err)
	}
	t.Logf("this test: %v", self)
}

func FuzzParseProcStatus(f *testing.F) {
	f.Add(uint64(0xa80425fb), uint64(0), "2")
	f.Add(uint64(0x1fffeffffff), uint64(0x1fffeffffff), "0")
	f.Fuzz(func(t *testing.T, set, amb uint64, seccomp string) {
		if strings.ContainsAny(seccomp, "\n\r") {
			t.Skip()
		}
		status := fmt.Sprintf("Name:\tperfgate\nCapInh:\t%016x\nCapPrm:\t%016x\nCapEff:\t%016x\nCapBnd:\t%016x\nCapAmb:\t%016x\nSeccomp:\t%s\n",
			uint64(0), set, set, set, amb, seccomp)
		pc, err := parseProcStatus([]byte(status))
		if err != nil {
			t.Fatal(err)
		}
		if pc.Eff != set || pc.Prm != set || pc.Bnd != set || pc.Amb != amb {
			t.Fatalf("parsed %v from\n%s", pc, status)
		}
		if d := checkDockerCaps(pc); (d == "") != (set == dockerCapMask() && amb == 0) {
			t.Fatalf("checkDockerCaps(%v) = %q", pc, d)
		}
	})
}
