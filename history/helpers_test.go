package history

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/perfgate/perfgate/internal/fixture"
	"github.com/perfgate/perfgate/results"
)

// day0 is the date of the first commit of the tests' histories.
var day0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// commitOf is a made-up commit hash for commit number i.
func commitOf(i int) string {
	s := sha1.Sum(fmt.Appendf(nil, "commit %d", i))
	return hex.EncodeToString(s[:])
}

// entryOf is the entry of commit number i (an hour after commit i-1),
// measured on the fixture's networks with latencies multiplied by scale.
func entryOf(t testing.TB, i int, scale float64, networks ...int) Entry {
	t.Helper()
	return newEntry(t, fixture.Results(t, scale, networks...), i)
}

func newEntry(t testing.TB, r *results.Results, i int) Entry {
	t.Helper()
	parent := ""
	if i > 0 {
		parent = commitOf(i - 1)
	}
	e, err := NewEntry(r, commitOf(i), parent, "refs/heads/main", day0.Add(time.Duration(i)*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// historyOf is a history of commits 0..n-1, each measured on networks.
func historyOf(t testing.TB, n int, networks ...int) *History {
	t.Helper()
	h := &History{}
	for i := range n {
		h.Append(entryOf(t, i, 1, networks...), 0)
	}
	return h
}

func commitsOf(h *History) []string {
	var out []string
	for _, e := range h.Entries {
		out = append(out, e.Commit)
	}
	return out
}
