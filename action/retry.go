package action

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Sleep waits d or until ctx is done; tests inject one that returns at once.
type Sleep func(ctx context.Context, d time.Duration) error

// SleepContext is the real [Sleep].
func SleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// A RetryTransport retries GitHub API requests that failed in a way that
// passes: a transport error, HTTP 500/502/503/504, and secondary rate limits
// (403 or 429 with Retry-After or a "secondary rate limit" message). The
// wait doubles from MinWait up to MaxWait, or is the server's Retry-After
// when it is at most MaxRetryAfter; at most Attempts tries in all. A primary
// rate limit (X-RateLimit-Remaining: 0) is not retried: its reset is up to
// an hour away. Nor is creating a comment, which is not idempotent (see
// [Publisher.UpsertComment]).
type RetryTransport struct {
	Base          http.RoundTripper
	Sleep         Sleep
	Attempts      int
	MinWait       time.Duration
	MaxWait       time.Duration
	MaxRetryAfter time.Duration
	// Log, when set, is told about every retry.
	Log func(format string, args ...any)
}

// NewRetryTransport returns a RetryTransport over base with the defaults: 4
// attempts, waits of 1 s, 2 s, 4 s, a Retry-After of up to 60 s honoured.
func NewRetryTransport(base http.RoundTripper, sleep Sleep) *RetryTransport {
	if base == nil {
		base = http.DefaultTransport
	}
	if sleep == nil {
		sleep = SleepContext
	}
	return &RetryTransport{Base: base, Sleep: sleep, Attempts: 4, MinWait: time.Second, MaxWait: 8 * time.Second, MaxRetryAfter: time.Minute}
}

// RoundTrip implements http.RoundTripper.
func (t *RetryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	wait := t.MinWait
	for attempt := 1; ; attempt++ {
		r := req
		if attempt > 1 {
			r = req.Clone(req.Context())
			if req.Body != nil && req.Body != http.NoBody {
				if req.GetBody == nil {
					return nil, errors.New("cannot retry a request whose body cannot be replayed")
				}
				body, err := req.GetBody()
				if err != nil {
					return nil, err
				}
				r.Body = body
			}
		}
		resp, err := t.Base.RoundTrip(r)
		retry, after, why := t.classify(req, resp, err)
		if !retry || attempt >= t.Attempts {
			return resp, err
		}
		if resp != nil {
			// This response is dropped for the next try: a failure to read
			// or close it costs only the connection, which the log tells.
			if err := discardBody(resp.Body); err != nil {
				t.logf("GitHub API %s %s: discarding the response before retrying: %v", req.Method, req.URL.Path, err)
			}
		}
		d := wait
		if after > 0 {
			d = after
		}
		t.logf("GitHub API %s %s: %s; retrying in %s (attempt %d of %d)", req.Method, req.URL.Path, why, d, attempt+1, t.Attempts)
		if err := t.Sleep(req.Context(), d); err != nil {
			return nil, err
		}
		wait *= 2
		if wait > t.MaxWait {
			wait = t.MaxWait
		}
	}
}

// classify says whether a response or error is worth another try, the
// server's Retry-After if any, and why.
func (t *RetryTransport) classify(req *http.Request, resp *http.Response, err error) (bool, time.Duration, string) {
	ctx := req.Context()
	if req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, "/comments") {
		// Creating a comment is not idempotent: a 502 may come after GitHub
		// created it. The Publisher looks again before it tries again.
		return false, 0, ""
	}
	if err != nil {
		if ctx.Err() != nil {
			return false, 0, ""
		}
		return true, 0, err.Error()
	}
	switch resp.StatusCode {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true, 0, resp.Status
	case http.StatusForbidden, http.StatusTooManyRequests:
	default:
		return false, 0, ""
	}
	after, hasAfter := retryAfter(resp.Header.Get("Retry-After"))
	if resp.Header.Get("X-RateLimit-Remaining") == "0" && !hasAfter {
		return false, 0, "" // primary rate limit: not worth waiting for
	}
	secondary := hasAfter
	if !secondary {
		// Read the message to tell a secondary rate limit from a refusal,
		// and give the body back for go-github to parse. A read that fails
		// is given back too: the body ends with its error, so go-github
		// reports it rather than parsing half a message.
		body, rerr := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
		if cerr := resp.Body.Close(); cerr != nil {
			t.logf("GitHub API %s %s: closing the response body: %v", req.Method, req.URL.Path, cerr)
		}
		var given io.Reader = bytes.NewReader(body)
		if rerr != nil {
			given = io.MultiReader(given, errReader{rerr})
		}
		resp.Body = io.NopCloser(given)
		secondary = strings.Contains(strings.ToLower(string(body)), "secondary rate limit")
	}
	if !secondary && resp.StatusCode == http.StatusForbidden {
		return false, 0, ""
	}
	if after > t.MaxRetryAfter {
		return false, 0, ""
	}
	return true, after, fmt.Sprintf("%s (secondary rate limit)", resp.Status)
}

// logf tells Log, when set.
func (t *RetryTransport) logf(format string, args ...any) {
	if t.Log != nil {
		t.Log(format, args...)
	}
}

// discardBody reads what is left of a response body, up to 64 KiB (so
// that its connection can serve again), and closes it.
func discardBody(body io.ReadCloser) error {
	_, err := io.Copy(io.Discard, io.LimitReader(body, 1<<16))
	return errors.Join(err, body.Close())
}

// An errReader fails every read with err.
type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// retryAfter parses a Retry-After header in seconds.
func retryAfter(v string) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 {
		return 0, false
	}
	return time.Duration(n) * time.Second, true
}
