package action

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/go-github/v57/github"
)

// Names of the calls the Action makes, as [CallError] reports them.
const (
	CallListComments  = "list the pull request's comments"
	CallCreateComment = "create the pull request comment"
	CallEditComment   = "edit perfgate's pull request comment"
	CallCreateStatus  = "set the commit status"
	CallGetFile       = "read the baseline at the base commit"
	CallListFiles     = "list the pull request's files"
	CallListPulls     = "list the pull requests of the run's head branch"
)

// A CallError is a failed GitHub API call: which call, the HTTP status (0
// when there was no response) and what to check.
type CallError struct {
	Call   string
	Status int
	// RateLimited is true when GitHub refused for a rate limit (primary,
	// or secondary after the retries), not for want of permission.
	RateLimited bool
	Err         error
}

func (e *CallError) Error() string {
	s := fmt.Sprintf("GitHub API: could not %s", e.Call)
	if e.Status != 0 {
		s += fmt.Sprintf(" (HTTP %d)", e.Status)
	}
	s += fmt.Sprintf(": %v", e.Err)
	if h := e.Hint(); h != "" {
		s += ". " + h
	}
	return s
}

func (e *CallError) Unwrap() error { return e.Err }

// Permission reports whether the call was refused for want of permission or
// visibility (401, 403 that is not a rate limit, 404): what a fork's
// read-only token or a missing permissions block gives.
func (e *CallError) Permission() bool {
	return !e.RateLimited && (e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden || e.Status == http.StatusNotFound)
}

// permissionFor names the workflow permission a call needs.
func permissionFor(call string) string {
	switch call {
	case CallCreateComment, CallEditComment, CallListComments:
		return "pull-requests: write"
	case CallCreateStatus:
		return "statuses: write"
	case CallGetFile:
		return "contents: read"
	case CallListFiles, CallListPulls:
		return "pull-requests: read"
	}
	return ""
}

// Hint says what to check after this failure.
func (e *CallError) Hint() string {
	perm := permissionFor(e.Call)
	switch {
	case e.RateLimited:
		return "GitHub's rate limit for this token is exhausted: re-run the job later, or spread perfgate's jobs out"
	case e.Status == http.StatusUnauthorized:
		return "Check: the github-token input is a valid, unexpired token"
	case e.Status == http.StatusForbidden:
		return fmt.Sprintf("Check: the workflow's permissions: block grants %q; on a pull request from a fork "+
			"the token is read-only whatever the block says (use the workflow_run pair with mode: report); "+
			"a personal token needs the repo scope", perm)
	case e.Status == http.StatusNotFound:
		return fmt.Sprintf("Check: the token can see this repository (a token without access gets 404, not 403: "+
			"scope, fork, %q in the permissions: block) and the event names the right pull request", perm)
	case e.Status == http.StatusUnprocessableEntity:
		return "Check: GitHub refused the request's content (a status description over 140 characters, a comment over 65536)"
	case e.Status >= 500:
		return "GitHub failed even after retries: re-run the job later"
	case e.Status == 0:
		return "Check: the runner reaches GITHUB_API_URL"
	}
	return ""
}

// callError wraps err of call into a *CallError, with the HTTP status taken
// from go-github's error types.
func callError(call string, err error) error {
	if err == nil {
		return nil
	}
	ce := &CallError{Call: call, Err: err}
	var er *github.ErrorResponse
	var rl *github.RateLimitError
	var ab *github.AbuseRateLimitError
	switch {
	case errors.As(err, &rl) && rl.Response != nil:
		ce.Status, ce.RateLimited = rl.Response.StatusCode, true
	case errors.As(err, &ab) && ab.Response != nil:
		ce.Status, ce.RateLimited = ab.Response.StatusCode, true
	case errors.As(err, &er) && er.Response != nil:
		ce.Status = er.Response.StatusCode
	}
	if ce.Status == http.StatusTooManyRequests ||
		ce.Status == http.StatusForbidden && strings.Contains(strings.ToLower(err.Error()), "rate limit") {
		ce.RateLimited = true
	}
	if ce.Status == http.StatusNotFound {
		ce.Err = fmt.Errorf("%w: %v", ErrNotFound, err)
	}
	return ce
}

// IsPermission reports whether err is a [*CallError] refused for want of
// permission (see [CallError.Permission]).
func IsPermission(err error) bool {
	var ce *CallError
	return errors.As(err, &ce) && ce.Permission()
}
