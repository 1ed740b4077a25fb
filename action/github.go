package action

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/go-github/v57/github"
)

// GitHub implements [API] over go-github.
type GitHub struct {
	client *github.Client
}

// GitHubOptions configure [NewGitHub].
type GitHubOptions struct {
	// APIURL is GITHUB_API_URL (https://api.github.com when empty); a base
	// path such as GitHub Enterprise Server's /api/v3 is kept as it is.
	APIURL string
	// Token authenticates every call; it is never logged.
	Token string
	// Transport is the HTTP transport under the retries (http.DefaultTransport when nil).
	Transport http.RoundTripper
	// Sleep waits between retries ([SleepContext] when nil).
	Sleep Sleep
	// Log is told about retries.
	Log func(format string, args ...any)
	// Timeout bounds every HTTP request (30 s when zero).
	Timeout time.Duration
}

// NewGitHub returns the go-github implementation of [API].
func NewGitHub(o GitHubOptions) (*GitHub, error) {
	rt := NewRetryTransport(o.Transport, o.Sleep)
	rt.Log = o.Log
	timeout := o.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	c := github.NewClient(&http.Client{Transport: rt, Timeout: timeout})
	if o.Token != "" {
		c = c.WithAuthToken(o.Token)
	}
	if o.APIURL != "" {
		u, err := url.Parse(o.APIURL)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return nil, fmt.Errorf("GITHUB_API_URL %q is not an absolute URL", o.APIURL)
		}
		if !strings.HasSuffix(u.Path, "/") {
			u.Path += "/"
		}
		c.BaseURL = u
	}
	return &GitHub{client: c}, nil
}

func perPage(p Page) int {
	if p.PerPage <= 0 || p.PerPage > 100 {
		return 100
	}
	return p.PerPage
}

// ListComments implements [API].
func (g *GitHub) ListComments(ctx context.Context, repo Repo, number int, page Page) ([]Comment, int, error) {
	opts := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{Page: page.Number, PerPage: perPage(page)}}
	cs, resp, err := g.client.Issues.ListComments(ctx, repo.Owner, repo.Name, number, opts)
	if err != nil {
		return nil, 0, callError(CallListComments, err)
	}
	out := make([]Comment, 0, len(cs))
	for _, c := range cs {
		out = append(out, Comment{ID: c.GetID(), Body: c.GetBody(), HTMLURL: c.GetHTMLURL()})
	}
	return out, resp.NextPage, nil
}

// CreateComment implements [API].
func (g *GitHub) CreateComment(ctx context.Context, repo Repo, number int, body string) (Comment, error) {
	c, _, err := g.client.Issues.CreateComment(ctx, repo.Owner, repo.Name, number, &github.IssueComment{Body: github.String(body)})
	if err != nil {
		return Comment{}, callError(CallCreateComment, err)
	}
	return Comment{ID: c.GetID(), Body: c.GetBody(), HTMLURL: c.GetHTMLURL()}, nil
}

// EditComment implements [API].
func (g *GitHub) EditComment(ctx context.Context, repo Repo, id int64, body string) (Comment, error) {
	c, _, err := g.client.Issues.EditComment(ctx, repo.Owner, repo.Name, id, &github.IssueComment{Body: github.String(body)})
	if err != nil {
		return Comment{}, callError(CallEditComment, err)
	}
	return Comment{ID: c.GetID(), Body: c.GetBody(), HTMLURL: c.GetHTMLURL()}, nil
}

// CreateStatus implements [API].
func (g *GitHub) CreateStatus(ctx context.Context, repo Repo, sha string, st Status) error {
	s := &github.RepoStatus{
		State:       github.String(st.State),
		Context:     github.String(st.Context),
		Description: github.String(st.Description),
	}
	if st.TargetURL != "" {
		s.TargetURL = github.String(st.TargetURL)
	}
	_, _, err := g.client.Repositories.CreateStatus(ctx, repo.Owner, repo.Name, sha, s)
	return callError(CallCreateStatus, err)
}

// GetFile implements [API]: the contents API with the raw media type, which
// serves files of up to 100 MB.
func (g *GitHub) GetFile(ctx context.Context, repo Repo, path, ref string) ([]byte, error) {
	u := fmt.Sprintf("repos/%s/%s/contents/%s?ref=%s", url.PathEscape(repo.Owner), url.PathEscape(repo.Name),
		escapePath(path), url.QueryEscape(ref))
	req, err := g.client.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return nil, callError(CallGetFile, err)
	}
	req.Header.Set("Accept", "application/vnd.github.raw+json")
	var buf bytes.Buffer
	if _, err := g.client.Do(ctx, req, &buf); err != nil {
		return nil, callError(CallGetFile, fmt.Errorf("%s at %s: %w", path, ref, err))
	}
	return buf.Bytes(), nil
}

// escapePath escapes each element of a slash-separated path.
func escapePath(p string) string {
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

// ListPullRequestFiles implements [API].
func (g *GitHub) ListPullRequestFiles(ctx context.Context, repo Repo, number int, page Page) ([]string, int, error) {
	fs, resp, err := g.client.PullRequests.ListFiles(ctx, repo.Owner, repo.Name, number,
		&github.ListOptions{Page: page.Number, PerPage: perPage(page)})
	if err != nil {
		return nil, 0, callError(CallListFiles, err)
	}
	var out []string
	for _, f := range fs {
		out = append(out, f.GetFilename())
		if p := f.GetPreviousFilename(); p != "" {
			out = append(out, p)
		}
	}
	return out, resp.NextPage, nil
}

// ListOpenPullRequests implements [API].
func (g *GitHub) ListOpenPullRequests(ctx context.Context, repo Repo, head string, page Page) ([]PullRequest, int, error) {
	prs, resp, err := g.client.PullRequests.List(ctx, repo.Owner, repo.Name, &github.PullRequestListOptions{
		State: "open", Head: head, ListOptions: github.ListOptions{Page: page.Number, PerPage: perPage(page)},
	})
	if err != nil {
		return nil, 0, callError(CallListPulls, fmt.Errorf("head %s: %w", head, err))
	}
	out := make([]PullRequest, 0, len(prs))
	for _, pr := range prs {
		out = append(out, *pullRequest(pr, repo))
	}
	return out, resp.NextPage, nil
}
