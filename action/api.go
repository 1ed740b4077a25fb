package action

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Repo names a GitHub repository.
type Repo struct {
	Owner string
	Name  string
}

// ParseRepo parses "owner/name", as in GITHUB_REPOSITORY.
func ParseRepo(s string) (Repo, error) {
	owner, name, ok := strings.Cut(s, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return Repo{}, fmt.Errorf("repository %q is not owner/name", s)
	}
	return Repo{Owner: owner, Name: name}, nil
}

func (r Repo) String() string { return r.Owner + "/" + r.Name }

// A Comment is an issue or pull-request comment.
type Comment struct {
	ID      int64
	Body    string
	HTMLURL string
}

// A Status is a commit status: State is "success", "failure", "error" or
// "pending"; Description is at most 140 characters.
type Status struct {
	State       string
	Context     string
	Description string
	TargetURL   string
}

// A Page asks for one page of a paginated list; pages count from 1.
type Page struct {
	Number  int
	PerPage int
}

// API is the set of GitHub REST calls the Action makes. [GitHub] implements
// it over go-github; tests use an httptest server behind the same
// implementation.
type API interface {
	// ListComments returns one page of the comments of issue or pull
	// request number, and the number of the next page (0 after the last).
	ListComments(ctx context.Context, repo Repo, number int, page Page) ([]Comment, int, error)
	CreateComment(ctx context.Context, repo Repo, number int, body string) (Comment, error)
	EditComment(ctx context.Context, repo Repo, id int64, body string) (Comment, error)
	CreateStatus(ctx context.Context, repo Repo, sha string, st Status) error
	// GetFile returns the contents of path at ref; a missing file is an
	// error for which errors.Is(err, ErrNotFound) holds.
	GetFile(ctx context.Context, repo Repo, path, ref string) ([]byte, error)
	// ListPullRequestFiles returns one page of the paths a pull request
	// changes (for a rename, the new and the old path), and the next page.
	ListPullRequestFiles(ctx context.Context, repo Repo, number int, page Page) ([]string, int, error)
	// ListOpenPullRequests returns one page of the open pull requests of
	// repo whose head is head ("owner:branch", the branch in owner's
	// repository, a fork or repo itself), and the next page.
	ListOpenPullRequests(ctx context.Context, repo Repo, head string, page Page) ([]PullRequest, int, error)
}

// ErrNotFound is wrapped by errors of calls that found nothing (HTTP 404).
var ErrNotFound = errors.New("not found")
