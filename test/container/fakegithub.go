package container

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// fakeGitHub is a stand-in for the GitHub REST API on the host's loopback,
// under a non-empty base path (as on GitHub Enterprise: /api/v3). It serves
// the routes the Action uses, backed by a real bare git repository on the
// host (the "remote": contents at a ref, the files a pull request changes),
// and records every comment, every status and every request so that the
// test can assert what the Action told GitHub. Unknown routes answer 404 and
// are recorded as unexpected.
type fakeGitHub struct {
	srv      *httptest.Server
	basePath string
	token    string
	owner    string
	repo     string
	bare     string // the bare repository behind contents and pull files

	mu         sync.Mutex
	nextID     int64
	comments   map[int][]*fakeComment // by issue number
	statuses   []fakeStatus
	requests   []string // "METHOD path -> code"
	unexpected []string
	prs        map[int]fakePR
}

type fakeComment struct {
	ID        int64     `json:"id"`
	Body      string    `json:"body"`
	HTMLURL   string    `json:"html_url"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Edits     int       `json:"-"`
}

type fakeStatus struct {
	SHA         string
	State       string `json:"state"`
	Context     string `json:"context"`
	Description string `json:"description"`
	TargetURL   string `json:"target_url"`
}

// fakePR is what the fake knows of a pull request: its base and head
// commits in the bare repository.
type fakePR struct{ base, head string }

func newFakeGitHub(owner, repo, token, bare string) *fakeGitHub {
	f := &fakeGitHub{
		basePath: "/api/v3", token: token, owner: owner, repo: repo, bare: bare,
		nextID: 1000, comments: map[int][]*fakeComment{}, prs: map[int]fakePR{},
	}
	mux := http.NewServeMux()
	p := f.basePath + "/repos/{owner}/{repo}"
	mux.HandleFunc("GET "+p+"/issues/{number}/comments", f.listComments)
	mux.HandleFunc("POST "+p+"/issues/{number}/comments", f.createComment)
	mux.HandleFunc("PATCH "+p+"/issues/comments/{id}", f.editComment)
	mux.HandleFunc("POST "+p+"/statuses/{sha}", f.createStatus)
	mux.HandleFunc("GET "+p+"/contents/{path...}", f.getContents)
	mux.HandleFunc("GET "+p+"/pulls/{number}/files", f.listPullFiles)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.unexpected = append(f.unexpected, r.Method+" "+r.URL.RequestURI())
		f.mu.Unlock()
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found (the test's fake GitHub has no such route)"})
	})
	// httptest listens on 127.0.0.1 only, as every listener of the project.
	f.srv = httptest.NewServer(f.guard(mux))
	return f
}

// Close shuts the server down.
func (f *fakeGitHub) Close() { f.srv.Close() }

// URL is GITHUB_API_URL for the Action.
func (f *fakeGitHub) URL() string { return f.srv.URL + f.basePath }

// ServerURL is GITHUB_SERVER_URL: the fake's root, so that every link the
// Action builds points at loopback too.
func (f *fakeGitHub) ServerURL() string { return f.srv.URL }

// setPR tells the fake a pull request's base and head commits.
func (f *fakeGitHub) setPR(number int, base, head string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.prs[number] = fakePR{base, head}
}

// guard checks the repository and the token, and records the request.
func (f *fakeGitHub) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
		defer func() {
			f.mu.Lock()
			f.requests = append(f.requests, fmt.Sprintf("%s %s -> %d", r.Method, r.URL.RequestURI(), rec.code))
			f.mu.Unlock()
		}()
		auth := r.Header.Get("Authorization")
		if auth != "Bearer "+f.token && auth != "token "+f.token {
			writeJSON(rec, http.StatusUnauthorized, map[string]string{"message": "Bad credentials (the fake wants the test's token)"})
			return
		}
		next.ServeHTTP(rec, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.code = code
	s.ResponseWriter.WriteHeader(code)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// ours checks the repository of a routed request.
func (f *fakeGitHub) ours(w http.ResponseWriter, r *http.Request) bool {
	if r.PathValue("owner") != f.owner || r.PathValue("repo") != f.repo {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found (unknown repository " + r.PathValue("owner") + "/" + r.PathValue("repo") + ")"})
		return false
	}
	return true
}

func (f *fakeGitHub) listComments(w http.ResponseWriter, r *http.Request) {
	if !f.ours(w, r) {
		return
	}
	n, err := strconv.Atoi(r.PathValue("number"))
	if err != nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
		return
	}
	page, perPage := atoiOr(r.URL.Query().Get("page"), 1), atoiOr(r.URL.Query().Get("per_page"), 30)
	if perPage > 100 {
		perPage = 100
	}
	f.mu.Lock()
	all := append([]*fakeComment(nil), f.comments[n]...)
	f.mu.Unlock()
	lo, hi := min((page-1)*perPage, len(all)), min(page*perPage, len(all))
	if hi < len(all) {
		u := *r.URL
		q := u.Query()
		q.Set("page", strconv.Itoa(page+1))
		q.Set("per_page", strconv.Itoa(perPage))
		u.RawQuery = q.Encode()
		w.Header().Set("Link", fmt.Sprintf(`<%s%s>; rel="next"`, f.srv.URL, u.RequestURI()))
	}
	writeJSON(w, http.StatusOK, all[lo:hi])
}

func (f *fakeGitHub) createComment(w http.ResponseWriter, r *http.Request) {
	if !f.ours(w, r) {
		return
	}
	n, err := strconv.Atoi(r.PathValue("number"))
	var body struct {
		Body *string `json:"body"`
	}
	if err == nil {
		err = json.NewDecoder(r.Body).Decode(&body)
	}
	if err != nil || body.Body == nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": "Validation Failed: body is required"})
		return
	}
	f.mu.Lock()
	f.nextID++
	c := &fakeComment{ID: f.nextID, Body: *body.Body, CreatedAt: time.Now().UTC(), UpdatedAt: time.Now().UTC()}
	c.HTMLURL = fmt.Sprintf("%s/%s/%s/pull/%d#issuecomment-%d", f.srv.URL, f.owner, f.repo, n, c.ID)
	f.comments[n] = append(f.comments[n], c)
	f.mu.Unlock()
	writeJSON(w, http.StatusCreated, c)
}

func (f *fakeGitHub) editComment(w http.ResponseWriter, r *http.Request) {
	if !f.ours(w, r) {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	var body struct {
		Body *string `json:"body"`
	}
	if err == nil {
		err = json.NewDecoder(r.Body).Decode(&body)
	}
	if err != nil || body.Body == nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": "Validation Failed: body is required"})
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, cs := range f.comments {
		for _, c := range cs {
			if c.ID == id {
				c.Body, c.UpdatedAt = *body.Body, time.Now().UTC()
				c.Edits++
				writeJSON(w, http.StatusOK, c)
				return
			}
		}
	}
	writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
}

func (f *fakeGitHub) createStatus(w http.ResponseWriter, r *http.Request) {
	if !f.ours(w, r) {
		return
	}
	var s fakeStatus
	if err := json.NewDecoder(r.Body).Decode(&s); err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": "Problems parsing JSON"})
		return
	}
	switch s.State {
	case "error", "failure", "pending", "success":
	default:
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": "Validation Failed: state " + s.State})
		return
	}
	if len(s.Description) > 140 {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": "Validation Failed: description is too long (maximum is 140 characters)"})
		return
	}
	s.SHA = r.PathValue("sha")
	if !f.hasCommit(s.SHA) {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": "No commit found for SHA: " + s.SHA})
		return
	}
	f.mu.Lock()
	f.statuses = append(f.statuses, s)
	f.mu.Unlock()
	writeJSON(w, http.StatusCreated, s)
}

func (f *fakeGitHub) hasCommit(sha string) bool {
	return exec.Command("git", "-C", f.bare, "cat-file", "-e", sha+"^{commit}").Run() == nil
}

func (f *fakeGitHub) getContents(w http.ResponseWriter, r *http.Request) {
	if !f.ours(w, r) {
		return
	}
	path, ref := r.PathValue("path"), r.URL.Query().Get("ref")
	if ref == "" {
		ref = "HEAD"
	}
	data, err := exec.Command("git", "-C", f.bare, "show", ref+":"+path).Output()
	if err != nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
		return
	}
	if strings.Contains(r.Header.Get("Accept"), "raw") {
		w.Header().Set("Content-Type", "application/vnd.github.raw")
		w.WriteHeader(http.StatusOK)
		_, _ = io.Copy(w, bytes.NewReader(data))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"type": "file", "encoding": "base64", "path": path, "size": len(data),
		"content": base64.StdEncoding.EncodeToString(data),
	})
}

func (f *fakeGitHub) listPullFiles(w http.ResponseWriter, r *http.Request) {
	if !f.ours(w, r) {
		return
	}
	n, _ := strconv.Atoi(r.PathValue("number"))
	f.mu.Lock()
	pr, ok := f.prs[n]
	f.mu.Unlock()
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
		return
	}
	out, err := exec.Command("git", "-C", f.bare, "diff", "--name-status", "--no-renames", pr.base+"..."+pr.head).Output()
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"message": err.Error()})
		return
	}
	type file struct {
		Filename string `json:"filename"`
		Status   string `json:"status"`
	}
	var files []file
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		st, name, ok := strings.Cut(line, "\t")
		if !ok {
			continue
		}
		status := map[string]string{"A": "added", "D": "removed", "M": "modified"}[st]
		files = append(files, file{Filename: name, Status: status})
	}
	page := atoiOr(r.URL.Query().Get("page"), 1)
	if page > 1 {
		files = nil
	}
	writeJSON(w, http.StatusOK, files)
}

func atoiOr(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil && n > 0 {
		return n
	}
	return def
}

// snapshot returns copies of what the fake recorded.
func (f *fakeGitHub) snapshot() (comments map[int][]fakeComment, statuses []fakeStatus, requests, unexpected []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	comments = map[int][]fakeComment{}
	for n, cs := range f.comments {
		for _, c := range cs {
			comments[n] = append(comments[n], *c)
		}
	}
	return comments, append([]fakeStatus(nil), f.statuses...), append([]string(nil), f.requests...), append([]string(nil), f.unexpected...)
}
