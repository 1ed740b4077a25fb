// Package githubfake is a fake of the GitHub REST routes perfgate's Action
// calls, on an httptest server under a base path (as GitHub Enterprise
// Server's /api/v3): issue comments (list with Link pagination, create,
// edit; a body over 65 536 characters is refused with 422, as GitHub
// does), commit statuses, raw file contents at a ref, a pull request's
// files, and the open pull requests of a head branch (GET /pulls with
// head=owner:branch, as the workflow_run reporter asks). It records every request (method, path, JSON body) and can be told
// to fail a route a number of times with a given status, for tests of
// retries and of read-only tokens. It stands in for the outside world only.
package githubfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// A Request is one request the fake served.
type Request struct {
	Method string
	Path   string // without the base path
	Query  string
	Auth   string
	Body   map[string]any
}

// A Comment is a comment the fake holds.
type Comment struct {
	ID     int64
	Number int
	Body   string
}

// A Status is a commit status the fake was given.
type Status struct {
	SHA         string
	State       string
	Context     string
	Description string
	TargetURL   string
}

// A Failure makes the next Times requests matching Method and a Path
// (a regular expression on the path without the base path) fail with Status.
type Failure struct {
	Method  string
	Path    string
	Status  int
	Times   int
	Message string
	Header  map[string]string
	// After makes the fake do what the request asks before it answers
	// with the failure, as a gateway that times out after the work was done.
	After bool
}

// A PullRequest is a pull request the fake lists, into the fake's
// repository; its head branch HeadRef lives in HeadRepo (owner/name: a
// fork, or the repository itself).
type PullRequest struct {
	Number           int
	State            string // open (when empty) or closed
	HeadRepo         string
	HeadRef, HeadSHA string
	BaseRef, BaseSHA string
}

// Server is the fake. Its fields may be set before the first request.
type Server struct {
	*httptest.Server
	// Base is the base path, e.g. "/api/v3".
	Base string
	// Owner and Repo name the only repository the fake knows.
	Owner, Repo string

	mu       sync.Mutex
	comments []Comment
	nextID   int64
	statuses []Status
	files    map[string][]byte // ref + ":" + path
	prFiles  map[int][]string
	pulls    []PullRequest
	failures []*Failure
	requests []Request
}

// New starts a fake for owner/repo under base; Close stops it.
func New(base, owner, repo string) *Server {
	s := &Server{Base: strings.TrimSuffix(base, "/"), Owner: owner, Repo: repo, nextID: 1000,
		files: map[string][]byte{}, prFiles: map[int][]string{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// APIURL is the value for GITHUB_API_URL.
func (s *Server) APIURL() string { return s.URL + s.Base }

// AddComments adds n comments to pull request number, with body(i) as the
// i-th body (i from 0), and returns their IDs.
func (s *Server) AddComments(number, n int, body func(i int) string) []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []int64
	for i := 0; i < n; i++ {
		s.nextID++
		s.comments = append(s.comments, Comment{ID: s.nextID, Number: number, Body: body(i)})
		ids = append(ids, s.nextID)
	}
	return ids
}

// SetFile puts content at path on ref.
func (s *Server) SetFile(ref, path string, content []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[ref+":"+path] = content
}

// SetPullRequestFiles sets the files pull request number changes.
func (s *Server) SetPullRequestFiles(number int, files ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.prFiles[number] = files
}

// AddPullRequests adds pull requests to those the fake lists.
func (s *Server) AddPullRequests(prs ...PullRequest) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pulls = append(s.pulls, prs...)
}

// Fail adds a failure.
func (s *Server) Fail(f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, &f)
}

// Comments returns the comments of pull request number, oldest first.
func (s *Server) Comments(number int) []Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Comment
	for _, c := range s.comments {
		if c.Number == number {
			out = append(out, c)
		}
	}
	return out
}

// AllComments returns the comments on every pull request, oldest first.
func (s *Server) AllComments() []Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Comment(nil), s.comments...)
}

// Statuses returns the statuses set, in order.
func (s *Server) Statuses() []Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Status(nil), s.statuses...)
}

// Requests returns the requests served, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Count returns how many requests had method and a path matching the
// regular expression path.
func (s *Server) Count(method, path string) int {
	re := regexp.MustCompile("^" + path + "$")
	n := 0
	for _, r := range s.Requests() {
		if r.Method == method && re.MatchString(r.Path) {
			n++
		}
	}
	return n
}

var (
	reIssueComments = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/issues/(\d+)/comments$`)
	reComment       = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/issues/comments/(\d+)$`)
	reStatus        = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/statuses/([0-9a-f]{40})$`)
	reContents      = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/contents/(.+)$`)
	rePRFiles       = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/pulls/(\d+)/files$`)
	rePulls         = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/pulls$`)
)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, s.Base+"/") {
		writeError(w, http.StatusNotFound, "not under the base path "+s.Base)
		return
	}
	path := strings.TrimPrefix(r.URL.Path, s.Base)
	req := Request{Method: r.Method, Path: path, Query: r.URL.RawQuery, Auth: r.Header.Get("Authorization")}
	if r.Body != nil {
		data, _ := io.ReadAll(r.Body)
		if len(data) > 0 {
			if err := json.Unmarshal(data, &req.Body); err != nil {
				s.record(req)
				writeError(w, http.StatusBadRequest, "body is not a JSON object: "+err.Error())
				return
			}
		}
	}
	s.record(req)

	s.mu.Lock()
	for _, f := range s.failures {
		if f.Times > 0 && f.Method == r.Method && regexp.MustCompile("^"+f.Path+"$").MatchString(path) {
			f.Times--
			s.mu.Unlock()
			if f.After {
				s.handle(httptest.NewRecorder(), r, path, req)
			}
			for k, v := range f.Header {
				w.Header().Set(k, v)
			}
			msg := f.Message
			if msg == "" {
				msg = http.StatusText(f.Status)
			}
			writeError(w, f.Status, msg)
			return
		}
	}
	s.mu.Unlock()
	s.handle(w, r, path, req)
}

// maxCommentChars is the longest comment body GitHub takes.
const maxCommentChars = 65536

// tooLong refuses a comment body longer than GitHub takes, as GitHub does.
func tooLong(w http.ResponseWriter, body string) bool {
	if utf8.RuneCountInString(body) <= maxCommentChars {
		return false
	}
	writeError(w, http.StatusUnprocessableEntity, fmt.Sprintf("Body is too long (maximum is %d characters)", maxCommentChars))
	return true
}

// handle serves a request that does not fail.
func (s *Server) handle(w http.ResponseWriter, r *http.Request, path string, req Request) {
	if m := reIssueComments.FindStringSubmatch(path); m != nil && s.repoOK(w, m) {
		n, _ := strconv.Atoi(m[3])
		switch r.Method {
		case http.MethodGet:
			s.listComments(w, r, n)
		case http.MethodPost:
			body, _ := req.Body["body"].(string)
			if body == "" {
				writeError(w, http.StatusUnprocessableEntity, "body is missing")
				return
			}
			if tooLong(w, body) {
				return
			}
			id := s.AddComments(n, 1, func(int) string { return body })[0]
			writeJSON(w, http.StatusCreated, s.commentJSON(Comment{ID: id, Number: n, Body: body}))
		default:
			writeError(w, http.StatusMethodNotAllowed, r.Method)
		}
		return
	}
	if m := reComment.FindStringSubmatch(path); m != nil && s.repoOK(w, m) {
		id, _ := strconv.ParseInt(m[3], 10, 64)
		if r.Method != http.MethodPatch {
			writeError(w, http.StatusMethodNotAllowed, r.Method)
			return
		}
		body, _ := req.Body["body"].(string)
		if tooLong(w, body) {
			return
		}
		s.mu.Lock()
		for i := range s.comments {
			if s.comments[i].ID == id {
				s.comments[i].Body = body
				c := s.comments[i]
				s.mu.Unlock()
				writeJSON(w, http.StatusOK, s.commentJSON(c))
				return
			}
		}
		s.mu.Unlock()
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	if m := reStatus.FindStringSubmatch(path); m != nil && s.repoOK(w, m) {
		if r.Method != http.MethodPost {
			writeError(w, http.StatusMethodNotAllowed, r.Method)
			return
		}
		st := Status{SHA: m[3]}
		st.State, _ = req.Body["state"].(string)
		st.Context, _ = req.Body["context"].(string)
		st.Description, _ = req.Body["description"].(string)
		st.TargetURL, _ = req.Body["target_url"].(string)
		switch st.State {
		case "success", "failure", "error", "pending":
		default:
			writeError(w, http.StatusUnprocessableEntity, "state is invalid")
			return
		}
		if len([]rune(st.Description)) > 140 {
			writeError(w, http.StatusUnprocessableEntity, "description is too long (maximum is 140 characters)")
			return
		}
		s.mu.Lock()
		s.statuses = append(s.statuses, st)
		s.mu.Unlock()
		writeJSON(w, http.StatusCreated, map[string]any{"state": st.State, "context": st.Context, "description": st.Description})
		return
	}
	if m := reContents.FindStringSubmatch(path); m != nil && s.repoOK(w, m) {
		ref := r.URL.Query().Get("ref")
		if !strings.Contains(r.Header.Get("Accept"), "raw") {
			writeError(w, http.StatusNotAcceptable, "this fake serves the raw media type only")
			return
		}
		s.mu.Lock()
		data, ok := s.files[ref+":"+m[3]]
		s.mu.Unlock()
		if !ok {
			writeError(w, http.StatusNotFound, "Not Found")
			return
		}
		w.Header().Set("Content-Type", "application/vnd.github.raw")
		w.Write(data)
		return
	}
	if m := rePRFiles.FindStringSubmatch(path); m != nil && s.repoOK(w, m) {
		n, _ := strconv.Atoi(m[3])
		s.mu.Lock()
		files := s.prFiles[n]
		s.mu.Unlock()
		var items []any
		for _, f := range files {
			items = append(items, map[string]any{"filename": f, "status": "modified"})
		}
		s.paginate(w, r, items)
		return
	}
	if m := rePulls.FindStringSubmatch(path); m != nil && s.repoOK(w, m) {
		if r.Method != http.MethodGet {
			writeError(w, http.StatusMethodNotAllowed, r.Method)
			return
		}
		s.listPulls(w, r)
		return
	}
	writeError(w, http.StatusNotFound, "Not Found")
}

// listPulls serves GET /repos/{owner}/{repo}/pulls as GitHub does for the
// parameters state (open when absent, closed, all) and head
// (owner:branch; the owner of the head repository and its branch).
func (s *Server) listPulls(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" {
		state = "open"
	}
	if state != "open" && state != "closed" && state != "all" {
		writeError(w, http.StatusUnprocessableEntity, "state is invalid")
		return
	}
	var owner, branch string
	if h := q.Get("head"); h != "" {
		var ok bool
		if owner, branch, ok = strings.Cut(h, ":"); !ok || owner == "" || branch == "" {
			writeError(w, http.StatusUnprocessableEntity, "head must be user:ref-name")
			return
		}
	}
	s.mu.Lock()
	pulls := append([]PullRequest(nil), s.pulls...)
	s.mu.Unlock()
	items := []any{}
	for _, p := range pulls {
		st := p.State
		if st == "" {
			st = "open"
		}
		headOwner, headName, _ := strings.Cut(p.HeadRepo, "/")
		if state != "all" && st != state || owner != "" && (!strings.EqualFold(owner, headOwner) || branch != p.HeadRef) {
			continue
		}
		base := s.Owner + "/" + s.Repo
		repoJSON := func(owner, name string) map[string]any {
			return map[string]any{"name": name, "full_name": owner + "/" + name, "fork": owner+"/"+name != base,
				"owner": map[string]any{"login": owner, "type": "User"},
				"url":   fmt.Sprintf("https://api.github.example/repos/%s/%s", owner, name)}
		}
		items = append(items, map[string]any{
			"url":      fmt.Sprintf("https://api.github.example/repos/%s/pulls/%d", base, p.Number),
			"html_url": fmt.Sprintf("https://github.example/%s/pull/%d", base, p.Number),
			"number":   p.Number,
			"state":    st,
			"head": map[string]any{"label": headOwner + ":" + p.HeadRef, "ref": p.HeadRef, "sha": p.HeadSHA,
				"user": map[string]any{"login": headOwner}, "repo": repoJSON(headOwner, headName)},
			"base": map[string]any{"label": s.Owner + ":" + p.BaseRef, "ref": p.BaseRef, "sha": p.BaseSHA,
				"user": map[string]any{"login": s.Owner}, "repo": repoJSON(s.Owner, s.Repo)},
		})
	}
	s.paginate(w, r, items)
}

func (s *Server) record(r Request) {
	s.mu.Lock()
	s.requests = append(s.requests, r)
	s.mu.Unlock()
}

func (s *Server) repoOK(w http.ResponseWriter, m []string) bool {
	if m[1] != s.Owner || m[2] != s.Repo {
		writeError(w, http.StatusNotFound, "Not Found")
		return false
	}
	return true
}

func (s *Server) commentJSON(c Comment) map[string]any {
	return map[string]any{
		"id":       c.ID,
		"body":     c.Body,
		"html_url": fmt.Sprintf("https://github.example/%s/%s/pull/%d#issuecomment-%d", s.Owner, s.Repo, c.Number, c.ID),
	}
}

func (s *Server) listComments(w http.ResponseWriter, r *http.Request, number int) {
	cs := s.Comments(number)
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].ID < cs[j].ID })
	items := make([]any, 0, len(cs))
	for _, c := range cs {
		items = append(items, s.commentJSON(c))
	}
	s.paginate(w, r, items)
}

// paginate serves one page of items with a Link header as GitHub does.
func (s *Server) paginate(w http.ResponseWriter, r *http.Request, items []any) {
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	if page < 1 {
		page = 1
	}
	per, _ := strconv.Atoi(q.Get("per_page"))
	if per < 1 {
		per = 30
	}
	if per > 100 {
		per = 100
	}
	last := (len(items) + per - 1) / per
	if last < 1 {
		last = 1
	}
	from, to := (page-1)*per, page*per
	if from > len(items) {
		from = len(items)
	}
	if to > len(items) {
		to = len(items)
	}
	link := func(p int, rel string) string {
		u := *r.URL
		v := u.Query()
		v.Set("page", strconv.Itoa(p))
		v.Set("per_page", strconv.Itoa(per))
		u.RawQuery = v.Encode()
		return fmt.Sprintf(`<%s%s>; rel="%s"`, s.URL, u.RequestURI(), rel)
	}
	var links []string
	if page < last {
		links = append(links, link(page+1, "next"), link(last, "last"))
	}
	if page > 1 {
		links = append(links, link(1, "first"), link(page-1, "prev"))
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	out := items[from:to]
	if out == nil {
		out = []any{}
	}
	writeJSON(w, http.StatusOK, out)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, code int, msg string) {
	doc := "https://docs.github.com/rest"
	if strings.Contains(msg, "secondary rate limit") {
		doc = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"
	}
	writeJSON(w, code, map[string]any{"message": msg, "documentation_url": doc})
}
