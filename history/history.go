package history

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/internal/short"
	"github.com/perfgate/perfgate/results"
)

// Schema is the schema field of every line of a history file. A line of
// another schema (another version) is reported and kept as it is.
const Schema = "perfgate/history/v1"

// DefaultPath is where the history lives, next to the default baseline.
const DefaultPath = "baselines/history.jsonl"

// DefaultMax is the number of entries Append keeps when given no bound:
// about a year of a project that pushes to its default branch most
// working days.
const DefaultMax = 200

// An Entry is one line of the history: the gate's per-run values of one
// commit of the default branch.
type Entry struct {
	// Schema is Schema.
	Schema string `json:"schema"`
	// Commit is the commit measured; Parent its first parent ("" for a
	// root commit); Ref the ref it was pushed to (refs/heads/main) or a
	// tag (refs/tags/v1.2.0).
	Commit string `json:"commit"`
	Parent string `json:"parent,omitempty"`
	// Date orders the entries: the commit's committer date (or, lacking
	// it, when it was measured), in UTC.
	Date time.Time `json:"date"`
	Ref  string    `json:"ref,omitempty"`
	// Fingerprint is Fingerprint(Environment): entries of different
	// fingerprints were measured by different instruments, and a series
	// gets a boundary, not a change point, between them.
	Fingerprint string `json:"fingerprint"`
	// Environment holds the fields of the results' environment that the
	// fingerprint is made of (those results.EnvironmentDiff compares).
	Environment results.Environment `json:"environment"`
	// Runs is the number of runs the commit was measured with.
	Runs int `json:"runs"`
	// Values maps a metric key (results.Metrics, gated and reported) to
	// the values of the runs that have the metric, in run order, as the
	// gate reads them (check.RunValues).
	Values map[string][]float64 `json:"values"`
}

// A History is the entries of a history file, oldest first (by Date, then
// Commit), at most one per commit.
type History struct {
	Entries []Entry
	// Invalid are the lines Read could not take (corrupt, hand-edited,
	// another schema version), each with its line number, text and
	// reason. Write writes them back first, as they were, so that
	// nothing is lost until someone repairs or deletes them; only git's
	// conflict markers, which hold no data, are not written back.
	Invalid []*LineError
}

// NewEntry makes the entry of commit from its results r: the values of
// every metric of every run (check.RunValues), the environment's
// fingerprint and the number of runs. parent and ref may be empty; date
// must be set (the commit's committer date).
func NewEntry(r *results.Results, commit, parent, ref string, date time.Time) (Entry, error) {
	if r == nil {
		return Entry{}, errors.New("history: no results")
	}
	if err := r.Validate(); err != nil {
		return Entry{}, fmt.Errorf("history: commit %s: %w", commit, err)
	}
	rv, err := check.RunValues(r)
	if err != nil {
		return Entry{}, fmt.Errorf("history: commit %s: %w", commit, err)
	}
	e := Entry{Schema: Schema, Commit: commit, Parent: parent, Ref: ref, Date: date.UTC(),
		Environment: instrument(r.Environment), Runs: len(r.Runs), Values: map[string][]float64{}}
	e.Fingerprint = Fingerprint(e.Environment)
	for _, m := range results.Metrics {
		for _, run := range rv {
			if v, ok := run[m.Key]; ok {
				e.Values[m.Key] = append(e.Values[m.Key], v)
			}
		}
	}
	if err := e.Validate(); err != nil {
		return Entry{}, fmt.Errorf("history: %w", err)
	}
	return e, nil
}

// instrument keeps the fields of e that tell one instrument from another.
func instrument(e results.Environment) results.Environment {
	return results.Environment{OS: e.OS, Arch: e.Arch, CPUModel: e.CPUModel, Cores: e.Cores,
		TorVersion: e.TorVersion, ClientName: e.ClientName, ClientVersion: e.ClientVersion,
		Loopback: e.Loopback, NetworkSettings: e.NetworkSettings}
}

// Fingerprint is a short stable name (12 hex digits) of the instrument
// that measured in environment e: the fields results.EnvironmentDiff
// compares (CPU model, cores, OS/arch, tor version, client name and
// version, the private network's loopback mode and relays' settings).
// Two environments have the same fingerprint exactly when those fields
// are equal; the runner's name, the host name and the Go version do not
// count.
func Fingerprint(e results.Environment) string {
	canon := fmt.Sprintf("perfgate-env-v1\ncpu=%q\ncores=%d\nos=%q\narch=%q\ntor=%q\nclient=%q\nclient-version=%q\nloopback=%q\nnetwork-settings=%q\n",
		e.CPUModel, e.Cores, e.OS, e.Arch, e.TorVersion, e.ClientName, e.ClientVersion, e.Loopback, e.NetworkSettings)
	sum := sha256.Sum256([]byte(canon))
	return hex.EncodeToString(sum[:6])
}

// maxRuns bounds an entry's runs: far beyond any real job, low enough
// that a hand-edited count stands out.
const maxRuns = 100000

// Validate checks an entry as Read and Write do: the schema, a commit, a
// date, a fingerprint that matches the environment, a run count, and
// plausible values (results.Plausible in the metric's unit; a finite
// number for a key this perfgate does not know) of at most Runs runs.
func (e *Entry) Validate() error {
	if e.Schema != Schema {
		return fmt.Errorf("schema %q: this perfgate reads %s", e.Schema, Schema)
	}
	if err := token("commit", e.Commit, true); err != nil {
		return err
	}
	if err := token("parent", e.Parent, false); err != nil {
		return err
	}
	if err := token("ref", e.Ref, false); err != nil {
		return err
	}
	c := short.Commit(e.Commit)
	if e.Date.IsZero() {
		return fmt.Errorf("commit %s: no date", c)
	}
	if want := Fingerprint(e.Environment); e.Fingerprint != want {
		return fmt.Errorf("commit %s: fingerprint %q does not match its environment, whose fingerprint is %s", c, e.Fingerprint, want)
	}
	if e.Runs < 1 || e.Runs > maxRuns {
		return fmt.Errorf("commit %s: %d runs, want 1 to %d", c, e.Runs, maxRuns)
	}
	if len(e.Values) == 0 {
		return fmt.Errorf("commit %s: no values", c)
	}
	for _, k := range slices.Sorted(maps.Keys(e.Values)) {
		vs := e.Values[k]
		if k == "" || strings.ContainsFunc(k, isSpaceOrControl) {
			return fmt.Errorf("commit %s: metric key %q is empty or has a space or a control character", c, k)
		}
		if len(vs) == 0 || len(vs) > e.Runs {
			return fmt.Errorf("commit %s: %s has %d values for %d runs", c, k, len(vs), e.Runs)
		}
		m, known := results.MetricByKey(k)
		for i, v := range vs {
			ok := !math.IsNaN(v) && !math.IsInf(v, 0)
			if known {
				ok = results.Plausible(m.Unit, v)
			}
			switch {
			case !ok && known:
				return fmt.Errorf("commit %s: %s value %d is %g, not a plausible value in %s", c, k, i+1, v, m.Unit)
			case !ok:
				return fmt.Errorf("commit %s: %s value %d is %g, not a finite number", c, k, i+1, v)
			}
		}
	}
	return nil
}

// token checks a one-word field: git's names have no spaces.
func token(what, s string, required bool) error {
	switch {
	case s == "" && required:
		return fmt.Errorf("no %s", what)
	case len(s) > 255:
		return fmt.Errorf("%s of %d bytes, want at most 255", what, len(s))
	case strings.ContainsFunc(s, isSpaceOrControl):
		return fmt.Errorf("%s %q has a space or a control character", what, s)
	}
	return nil
}

func isSpaceOrControl(r rune) bool { return r <= ' ' || r == 0x7f }

// Median is the median of the entry's values of metric, and whether the
// entry has the metric.
func (e *Entry) Median(metric string) (float64, bool) {
	vs := e.Values[metric]
	if len(vs) == 0 {
		return 0, false
	}
	return results.Median(vs), true
}

// Append adds e to h, or replaces the entry of the same commit, and keeps
// the entries in order. Then, while h has more than max entries (max ≤ 0:
// DefaultMax), it drops the oldest, never e.
func (h *History) Append(e Entry, max int) {
	if max <= 0 {
		max = DefaultMax
	}
	h.Entries = slices.DeleteFunc(h.Entries, func(x Entry) bool { return x.Commit == e.Commit })
	i, _ := slices.BinarySearchFunc(h.Entries, e, compareEntries)
	h.Entries = slices.Insert(h.Entries, i, e)
	for len(h.Entries) > max {
		drop := 0
		if h.Entries[0].Commit == e.Commit {
			drop = 1
		}
		h.Entries = slices.Delete(h.Entries, drop, drop+1)
	}
}

// compareEntries orders entries by date, then by commit: a total order, so
// that the same entries are written as the same lines whoever writes them.
func compareEntries(a, b Entry) int {
	return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(a.Commit, b.Commit))
}

// Find returns the entry of commit, or nil.
func (h *History) Find(commit string) *Entry {
	for i := range h.Entries {
		if h.Entries[i].Commit == commit {
			return &h.Entries[i]
		}
	}
	return nil
}
