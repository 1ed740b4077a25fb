package action_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/perfgate/perfgate/action"
)

// failingBody gives data, then fails with err; closing it fails with
// closeErr.
type failingBody struct {
	r        io.Reader
	err      error
	closeErr error
}

func (b *failingBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err == io.EOF {
		return n, b.err
	}
	return n, err
}

func (b *failingBody) Close() error { return b.closeErr }

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestRetryTransportBodyErrors: the errors of reading and closing the
// bodies the transport reads are not lost. A 403 body that fails to read
// is given back failing the same way (go-github then reports it, rather
// than parsing half a message); a retried response that fails to close is
// logged.
func TestRetryTransportBodyErrors(t *testing.T) {
	readErr := errors.New("connection reset")
	closeErr := errors.New("close failed")
	for _, tc := range []struct {
		name     string
		statuses []int
		body     func() *failingBody
		// wantRead is what reading the returned body gives; wantErr the
		// error of that read.
		wantRead string
		wantErr  error
		wantLog  []string
	}{{
		name:     "403 body cut short",
		statuses: []int{http.StatusForbidden},
		body: func() *failingBody {
			return &failingBody{r: strings.NewReader(`{"message": "Resource not`), err: readErr}
		},
		wantRead: `{"message": "Resource not`, wantErr: readErr,
	}, {
		name:     "403 body that fails to close",
		statuses: []int{http.StatusForbidden},
		body: func() *failingBody {
			return &failingBody{r: strings.NewReader(`{"message": "Resource not accessible"}`), err: io.EOF, closeErr: closeErr}
		},
		wantRead: `{"message": "Resource not accessible"}`,
		wantLog:  []string{"closing the response body: close failed"},
	}, {
		name:     "502 dropped for a retry",
		statuses: []int{http.StatusBadGateway, http.StatusOK},
		body: func() *failingBody {
			return &failingBody{r: strings.NewReader("bad gateway"), err: io.EOF, closeErr: closeErr}
		},
		wantRead: "bad gateway",
		wantLog:  []string{"discarding the response before retrying: close failed", "retrying in"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
				st := tc.statuses[calls]
				calls++
				return &http.Response{StatusCode: st, Status: fmt.Sprint(st), Header: http.Header{}, Body: tc.body(), Request: r}, nil
			})
			var log []string
			rt := action.NewRetryTransport(base, func(context.Context, time.Duration) error { return nil })
			rt.Log = func(f string, args ...any) { log = append(log, fmt.Sprintf(f, args...)) }
			req, err := http.NewRequest(http.MethodGet, "https://api.github.com/repos/o/r/issues/2/comments", nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := rt.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			if calls != len(tc.statuses) {
				t.Errorf("%d requests, want %d", calls, len(tc.statuses))
			}
			got, err := io.ReadAll(resp.Body)
			if string(got) != tc.wantRead || !errors.Is(err, tc.wantErr) {
				t.Errorf("body %q, %v; want %q, %v", got, err, tc.wantRead, tc.wantErr)
			}
			if err := resp.Body.Close(); err != nil && !errors.Is(err, closeErr) {
				t.Error(err)
			}
			joined := strings.Join(log, "\n")
			for _, w := range tc.wantLog {
				if !strings.Contains(joined, w) {
					t.Errorf("the log does not say %q:\n%s", w, joined)
				}
			}
			if len(tc.wantLog) == 0 && len(log) != 0 {
				t.Errorf("logged:\n%s", joined)
			}
		})
	}
}
