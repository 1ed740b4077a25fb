package action_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/perfgate/perfgate/action"
	"github.com/perfgate/perfgate/action/githubfake"
)

const sha = "ec26c3e57ca3a959ca5aad62de7213c562f8c821"

// newPublisher returns a publisher against a fake under /api/v3, whose
// retries do not sleep, and the sleeps they asked for.
func newPublisher(t *testing.T) (*action.Publisher, *githubfake.Server, *[]time.Duration) {
	t.Helper()
	fake := githubfake.New("/api/v3", "Codertocat", "Hello-World")
	t.Cleanup(fake.Close)
	var slept []time.Duration
	gh, err := action.NewGitHub(action.GitHubOptions{
		APIURL: fake.APIURL(),
		Token:  "ghs_secret",
		Sleep:  func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	return &action.Publisher{API: gh, Repo: action.Repo{Owner: "Codertocat", Name: "Hello-World"}, Context: "perfgate"}, fake, &slept
}

func TestUpsertComment(t *testing.T) {
	ctx := context.Background()
	t.Run("create then edit", func(t *testing.T) {
		p, fake, _ := newPublisher(t)
		url1, err := p.UpsertComment(ctx, 2, "first | report")
		if err != nil {
			t.Fatal(err)
		}
		url2, err := p.UpsertComment(ctx, 2, "second report")
		if err != nil {
			t.Fatal(err)
		}
		cs := fake.Comments(2)
		if len(cs) != 1 {
			t.Fatalf("%d comments, want 1", len(cs))
		}
		if url1 != url2 || url1 == "" {
			t.Errorf("urls %q and %q, want one non-empty", url1, url2)
		}
		if !strings.HasPrefix(cs[0].Body, action.Marker("perfgate")+"\n") || !strings.HasSuffix(cs[0].Body, "second report") {
			t.Errorf("body %q", cs[0].Body)
		}
		if n := fake.Count("PATCH", `/repos/Codertocat/Hello-World/issues/comments/\d+`); n != 1 {
			t.Errorf("%d PATCH, want 1", n)
		}
		for _, r := range fake.Requests() {
			if r.Auth != "Bearer ghs_secret" {
				t.Errorf("%s %s: Authorization %q", r.Method, r.Path, r.Auth)
			}
		}
	})
	t.Run("found on page 2 of 150 comments", func(t *testing.T) {
		p, fake, _ := newPublisher(t)
		ids := fake.AddComments(2, 150, func(i int) string {
			switch i {
			case 3:
				return "quoting perfgate: <!-- perfgate:report context=\"other\" -->"
			case 120:
				return action.Marker("perfgate") + "\nold report"
			}
			return fmt.Sprintf("comment %d", i)
		})
		if _, err := p.UpsertComment(ctx, 2, "new report"); err != nil {
			t.Fatal(err)
		}
		if n := len(fake.Comments(2)); n != 150 {
			t.Fatalf("%d comments, want 150", n)
		}
		if n := fake.Count("GET", `/repos/Codertocat/Hello-World/issues/2/comments`); n != 2 {
			t.Errorf("%d list calls, want 2", n)
		}
		if got := fake.Comments(2)[120]; got.ID != ids[120] || !strings.HasSuffix(got.Body, "new report") {
			t.Errorf("comment 120 = %+v", got)
		}
		if n := fake.Count("POST", `.*`); n != 0 {
			t.Errorf("%d POST, want 0", n)
		}
	})
	t.Run("other contexts keep their own comment", func(t *testing.T) {
		p, fake, _ := newPublisher(t)
		q := *p
		q.Context = "perfgate (arti)"
		if _, err := p.UpsertComment(ctx, 2, "tor"); err != nil {
			t.Fatal(err)
		}
		if _, err := q.UpsertComment(ctx, 2, "arti"); err != nil {
			t.Fatal(err)
		}
		if n := len(fake.Comments(2)); n != 2 {
			t.Fatalf("%d comments, want 2", n)
		}
	})
	t.Run("403 is a permission error that names the call", func(t *testing.T) {
		p, fake, _ := newPublisher(t)
		fake.Fail(githubfake.Failure{Method: "POST", Path: `.*/comments`, Status: 403, Times: 1, Message: "Resource not accessible by integration"})
		_, err := p.UpsertComment(ctx, 2, "x")
		if !action.IsPermission(err) {
			t.Fatalf("err = %v, want a permission error", err)
		}
		for _, want := range []string{"create the pull request comment", "HTTP 403", "permissions:", "pull-requests: write", "fork"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q lacks %q", err, want)
			}
		}
		if strings.Contains(err.Error(), "ghs_secret") {
			t.Errorf("error shows the token: %v", err)
		}
	})
	t.Run("502 after the comment was created makes no second one", func(t *testing.T) {
		p, fake, _ := newPublisher(t)
		fake.Fail(githubfake.Failure{Method: "POST", Path: `.*/issues/2/comments`, Status: 502, Times: 1, After: true})
		url, err := p.UpsertComment(ctx, 2, "report")
		if err != nil {
			t.Fatal(err)
		}
		if cs := fake.Comments(2); len(cs) != 1 || url == "" {
			t.Errorf("comments %+v, url %q", cs, url)
		}
		if n := fake.Count("POST", `.*/issues/2/comments`); n != 1 {
			t.Errorf("%d creates, want 1", n)
		}
	})
	t.Run("502 before the comment was created", func(t *testing.T) {
		p, fake, _ := newPublisher(t)
		fake.Fail(githubfake.Failure{Method: "POST", Path: `.*/issues/2/comments`, Status: 502, Times: 1})
		if _, err := p.UpsertComment(ctx, 2, "report"); err != nil {
			t.Fatal(err)
		}
		if cs := fake.Comments(2); len(cs) != 1 {
			t.Errorf("comments %+v", cs)
		}
	})
	t.Run("long report is cut", func(t *testing.T) {
		p, fake, _ := newPublisher(t)
		if _, err := p.UpsertComment(ctx, 2, strings.Repeat("é", 70000)); err != nil {
			t.Fatal(err)
		}
		b := fake.Comments(2)[0].Body
		if n := len([]rune(b)); n > action.MaxCommentLen {
			t.Errorf("%d characters", n)
		}
		if !strings.Contains(b, "job summary") {
			t.Error("the cut does not say where the full report is")
		}
	})
	t.Run("markdown within MaxCommentLen less CommentOverhead is posted whole", func(t *testing.T) {
		p, fake, _ := newPublisher(t)
		p.Context = "perfgate / tor \"quick\""
		room := action.MaxCommentLen - p.CommentOverhead()
		for _, tc := range []struct {
			n   int
			cut bool
		}{{room, false}, {room + 1, true}} {
			md := strings.Repeat("x", tc.n-1) + "\n"
			if _, err := p.UpsertComment(ctx, 2, md); err != nil {
				t.Fatal(err)
			}
			b := fake.Comments(2)[0].Body
			if whole := b == action.Marker(p.Context)+"\n"+md; whole == tc.cut {
				t.Errorf("%d bytes of markdown (room %d): posted whole %v", tc.n, room, whole)
			}
			if n := len([]rune(b)); n > action.MaxCommentLen {
				t.Errorf("%d characters", n)
			}
		}
	})
	t.Run("a body over 65 536 characters is refused, as GitHub does", func(t *testing.T) {
		p, _, _ := newPublisher(t)
		if _, err := p.API.CreateComment(ctx, p.Repo, 2, strings.Repeat("é", action.MaxCommentLen+1)); err == nil {
			t.Error("a body of 65 537 characters was taken")
		}
		c, err := p.API.CreateComment(ctx, p.Repo, 2, strings.Repeat("é", action.MaxCommentLen))
		if err != nil {
			t.Fatalf("a body of 65 536 characters: %v", err)
		}
		if _, err := p.API.EditComment(ctx, p.Repo, c.ID, c.Body+"é"); err == nil {
			t.Error("an edit to 65 537 characters was taken")
		}
	})
}

func TestSetStatus(t *testing.T) {
	ctx := context.Background()
	p, fake, _ := newPublisher(t)
	long := strings.Repeat("circuit p95 +42 % (regressed) ", 10)
	if err := p.SetStatus(ctx, sha, "failure", long, "https://github.example/run/1"); err != nil {
		t.Fatal(err)
	}
	st := fake.Statuses()
	if len(st) != 1 {
		t.Fatalf("%d statuses", len(st))
	}
	if st[0].SHA != sha || st[0].State != "failure" || st[0].Context != "perfgate" || st[0].TargetURL == "" {
		t.Errorf("status %+v", st[0])
	}
	if n := len([]rune(st[0].Description)); n > 140 || !strings.HasSuffix(st[0].Description, "…") {
		t.Errorf("description of %d characters: %q", n, st[0].Description)
	}
}

func TestRetries(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		failure  githubfake.Failure
		wantErr  int // HTTP status of the error, 0 for success
		wantTry  int
		wantWait []time.Duration
	}{
		{"502 then success", githubfake.Failure{Status: 502, Times: 1}, 0, 2, []time.Duration{time.Second}},
		{"503 three times then success", githubfake.Failure{Status: 503, Times: 3}, 0, 4, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}},
		{"500 always: bounded", githubfake.Failure{Status: 500, Times: 100}, 500, 4, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}},
		{"secondary rate limit with Retry-After", githubfake.Failure{Status: 403, Times: 1, Message: "You have exceeded a secondary rate limit",
			Header: map[string]string{"Retry-After": "7"}}, 0, 2, []time.Duration{7 * time.Second}},
		{"secondary rate limit by message", githubfake.Failure{Status: 403, Times: 1, Message: "You have exceeded a secondary rate limit. Please wait."}, 0, 2, []time.Duration{time.Second}},
		{"429", githubfake.Failure{Status: 429, Times: 1}, 0, 2, []time.Duration{time.Second}},
		{"403 refusal is not retried", githubfake.Failure{Status: 403, Times: 1, Message: "Resource not accessible by integration"}, 403, 1, nil},
		{"primary rate limit is not retried", githubfake.Failure{Status: 403, Times: 1, Message: "API rate limit exceeded",
			Header: map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "4102444800"}}, 403, 1, nil},
		{"secondary rate limit that lasts", githubfake.Failure{Status: 403, Times: 100, Message: "You have exceeded a secondary rate limit"}, 403, 4,
			[]time.Duration{time.Second, 2 * time.Second, 4 * time.Second}},
		{"Retry-After beyond the bound is not waited for", githubfake.Failure{Status: 429, Times: 1, Header: map[string]string{"Retry-After": "3600"}}, 429, 1, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, fake, slept := newPublisher(t)
			tc.failure.Method, tc.failure.Path = "POST", `/repos/.*/statuses/.*`
			fake.Fail(tc.failure)
			err := p.SetStatus(ctx, sha, "success", "ok", "")
			var ce *action.CallError
			switch {
			case tc.wantErr == 0 && err != nil:
				t.Fatalf("err = %v", err)
			case tc.wantErr != 0 && (!errors.As(err, &ce) || ce.Status != tc.wantErr):
				t.Fatalf("err = %v, want HTTP %d", err, tc.wantErr)
			}
			if n := fake.Count("POST", `/repos/.*/statuses/.*`); n != tc.wantTry {
				t.Errorf("%d tries, want %d", n, tc.wantTry)
			}
			for _, r := range fake.Requests() {
				if r.Body["state"] != "success" || r.Body["context"] != "perfgate" {
					t.Errorf("retried body %v", r.Body)
				}
			}
			if fmt.Sprint(*slept) != fmt.Sprint(tc.wantWait) {
				t.Errorf("waits %v, want %v", *slept, tc.wantWait)
			}
			if tc.wantErr != 0 && strings.Contains(tc.name, "rate limit") && action.IsPermission(err) {
				t.Errorf("a rate limit taken for a refusal: %v", err)
			}
			if tc.wantErr == 0 && len(fake.Statuses()) != 1 {
				t.Errorf("%d statuses", len(fake.Statuses()))
			}
		})
	}
}

func TestGetFileAndChangedUnder(t *testing.T) {
	ctx := context.Background()
	p, fake, _ := newPublisher(t)
	base := "f95f852bd8fca8fcc58a9a2d6c842781e32a215e"
	fake.SetFile(base, "baselines/default.json", []byte(`{"schema":"x"}`))
	got, err := p.API.GetFile(ctx, p.Repo, "baselines/default.json", base)
	if err != nil || string(got) != `{"schema":"x"}` {
		t.Fatalf("GetFile = %q, %v", got, err)
	}
	_, err = p.API.GetFile(ctx, p.Repo, "baselines/default.json", sha)
	if !errors.Is(err, action.ErrNotFound) {
		t.Errorf("missing file: err = %v, want ErrNotFound", err)
	}
	var files []string
	for i := 0; i < 230; i++ {
		files = append(files, fmt.Sprintf("src/f%03d.go", i))
	}
	files = append(files, "baselines/default.json", "baselinesX/no.json")
	fake.SetPullRequestFiles(2, files...)
	changed, err := action.ChangedUnder(ctx, p.API, p.Repo, 2, "baselines")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(changed) != "[baselines/default.json]" {
		t.Errorf("changed = %v", changed)
	}
	if n := fake.Count("GET", `/repos/Codertocat/Hello-World/pulls/2/files`); n != 3 {
		t.Errorf("%d pages, want 3", n)
	}
}

func TestNewGitHubBasePath(t *testing.T) {
	for _, base := range []string{"/api/v3", "/custom/prefix"} {
		t.Run(base, func(t *testing.T) {
			fake := githubfake.New(base, "o", "r")
			defer fake.Close()
			for _, u := range []string{fake.APIURL(), fake.APIURL() + "/"} {
				gh, err := action.NewGitHub(action.GitHubOptions{APIURL: u})
				if err != nil {
					t.Fatal(err)
				}
				if err := gh.CreateStatus(context.Background(), action.Repo{Owner: "o", Name: "r"}, sha, action.Status{State: "success", Context: "c"}); err != nil {
					t.Errorf("%s: %v", u, err)
				}
			}
		})
	}
	if _, err := action.NewGitHub(action.GitHubOptions{APIURL: "api.github.com"}); err == nil {
		t.Error("a relative API URL was accepted")
	}
	_ = http.StatusOK
}

// flakyAPI fails CreateComment with createErr, and ListComments after the
// first call with listErr; the rest of the API is not called.
type flakyAPI struct {
	action.API
	createErr, listErr error
	lists              int
}

func (f *flakyAPI) ListComments(context.Context, action.Repo, int, action.Page) ([]action.Comment, int, error) {
	f.lists++
	if f.lists > 1 {
		return nil, 0, f.listErr
	}
	return nil, 0, nil
}

func (f *flakyAPI) CreateComment(context.Context, action.Repo, int, string) (action.Comment, error) {
	return action.Comment{}, f.createErr
}

// TestUpsertCommentLookAgainFails: when the create fails and so does the
// look for the comment it may have made, both errors are told.
func TestUpsertCommentLookAgainFails(t *testing.T) {
	api := &flakyAPI{createErr: errors.New("create: HTTP 502"), listErr: errors.New("list: HTTP 503")}
	p := &action.Publisher{API: api, Repo: action.Repo{Owner: "Codertocat", Name: "Hello-World"}, Context: "perfgate"}
	_, err := p.UpsertComment(context.Background(), 2, "report")
	if !errors.Is(err, api.createErr) || !errors.Is(err, api.listErr) || !strings.Contains(err.Error(), "looking for the comment again") {
		t.Errorf("err = %v, want both the create's and the look's", err)
	}
	if action.IsPermission(err) {
		t.Errorf("%v is not a refusal", err)
	}
}
