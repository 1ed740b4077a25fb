package history

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/perfgate/perfgate/changepoint"
	"github.com/perfgate/perfgate/internal/fixture"
	"github.com/perfgate/perfgate/results"
)

// networks are the fixture's private networks, 1 to 8.
const networks = 8

// pool holds the fixture's networks, at each latency scale asked for,
// as the entries of one run each (NewEntry of fixture.Results), so that
// thousands of entries need not be made from the files again: a job's
// entry is the one-run entries of its networks put together, which is
// NewEntry of the job's results (TestPoolEntry).
type pool struct {
	one map[float64][]Entry // scale → network-1 → entry
}

func newPool(t testing.TB, scales ...float64) *pool {
	t.Helper()
	p := &pool{one: map[float64][]Entry{}}
	collected := collectedRuns(t)
	for _, s := range scales {
		if collected != nil {
			for _, r := range collected {
				p.one[s] = append(p.one[s], newEntry(t, fixture.Mutate(r, fixture.ScaleLatency(s)), 0))
			}
			continue
		}
		for n := 1; n <= networks; n++ {
			p.one[s] = append(p.one[s], entryOf(t, 0, s, n))
		}
	}
	return p
}

// collectedRuns are the runs of the results files PERFGATE_HISTORY_RUNS
// names (a glob, e.g. the A/A runs 'perfgate evaluate collect' wrote), one
// results value a run; nil when it is unset: the pool is the fixture's.
func collectedRuns(t testing.TB) []*results.Results {
	t.Helper()
	glob := os.Getenv("PERFGATE_HISTORY_RUNS")
	if glob == "" {
		return nil
	}
	files, err := filepath.Glob(glob)
	if err != nil || len(files) == 0 {
		t.Fatalf("PERFGATE_HISTORY_RUNS=%s: no files (%v)", glob, err)
	}
	var out []*results.Results
	for _, f := range files {
		r, err := results.Load(f, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, run := range r.Runs {
			if run.Error != "" {
				continue
			}
			one := *r
			run.Index = 0
			one.Runs = []results.Run{run}
			one.Settings.Runs = 1
			out = append(out, &one)
		}
	}
	t.Logf("pool: %d runs of %d files (PERFGATE_HISTORY_RUNS)", len(out), len(files))
	return out
}

// draw picks k of the pool's runs at random, with replacement (1-based).
func (p *pool) draw(rng *rand.Rand, k int) []int {
	n := 0
	for _, e := range p.one { // every scale holds the same runs
		n = len(e)
		break
	}
	out := make([]int, k)
	for i := range out {
		out[i] = 1 + rng.IntN(n)
	}
	return out
}

// entry is the entry of commit number i whose runs were on the networks
// (1-based), latencies scaled by scale.
func (p *pool) entry(i int, scale float64, nets []int) Entry {
	e := p.one[scale][nets[0]-1]
	e.Commit, e.Parent, e.Date = commitOf(i), commitOf(i-1), day0.Add(time.Duration(i)*time.Hour)
	e.Runs, e.Values = len(nets), map[string][]float64{}
	for _, n := range nets {
		for k, v := range p.one[scale][n-1].Values {
			e.Values[k] = append(e.Values[k], v...)
		}
	}
	return e
}

func TestPoolEntry(t *testing.T) {
	p := newPool(t, 1.2)
	nets := []int{3, 1, 3, 8}
	want := entryOf(t, 7, 1.2, nets...)
	if got := p.entry(7, 1.2, nets); !reflect.DeepEqual(got, want) {
		t.Fatalf("pooled entry\n%+v\nwant\n%+v", got, want)
	}
}

// draw picks k networks at random, with replacement: each run of a job is
// a fresh network, and the fixture's eight are the networks we have.
func draw(rng *rand.Rand, k int) []int {
	out := make([]int, k)
	for i := range out {
		out[i] = 1 + rng.IntN(networks)
	}
	return out
}

// sim appends entries one by one to a history, as the baseline job does
// on every push, and looks for change points after each.
type sim struct {
	t    testing.TB
	p    *pool
	rng  *rand.Rand
	runs int
	h    History
	n    int // commits so far
}

func (s *sim) push(scale float64) {
	s.h.Append(s.p.entry(s.n, scale, s.p.draw(s.rng, s.runs)), 0)
	s.n++
}

func (s *sim) changes(metric string) []Change {
	cs, err := Changes(&s.h, metric, changepoint.Options{})
	if err != nil {
		s.t.Fatal(err)
	}
	return cs
}

// TestScenario is the scenario on the fixture's real runs: 30
// pushes with no change, then every circuit build 20 % slower, appended
// one by one: the step is flagged at the first slow commit within 10
// pushes (it takes 5: MinSize), nothing is flagged before the step, and a
// flag before it lands on the step's commit is at most 4 commits early
// (MinSize-1: with fewer than 5 slow pushes, the new segment must take
// some of the last fast ones).
// 30 pushes with no change flag nothing, in no gated metric.
func TestScenario(t *testing.T) {
	const (
		before = 30
		within = 10 // slow pushes, at most, until the step's commit is flagged
		runs   = 5  // the action's default
	)
	rng := rand.New(rand.NewPCG(13, 1))
	h := &History{}
	for i := range before {
		h.Append(entryOf(t, i, 1, draw(rng, runs)...), 0)
		if cs, err := Changes(h, results.MetricCircuitBuildP95, changepoint.Options{}); cs != nil || err != nil {
			t.Fatalf("after %d A/A pushes: %v, %v", i+1, cs, err)
		}
	}
	for _, m := range results.Metrics {
		if cs, err := Changes(h, m.Key, changepoint.Options{}); m.Gates && (err != nil || cs != nil) {
			t.Errorf("30 A/A pushes: %s: %v, %v", m.Key, cs, err)
		}
	}
	for k := 1; k <= within; k++ {
		h.Append(entryOf(t, before+k-1, 1.2, draw(rng, runs)...), 0)
		cs, err := Changes(h, results.MetricCircuitBuildP95, changepoint.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) == 0 {
			continue
		}
		c := cs[len(cs)-1]
		t.Logf("%d slow pushes: %v", k, c)
		if len(cs) != 1 || c.Index < before-4 || c.Index > before || !c.Worse || c.RelChange < 0.05 || c.RelChange > 0.25 {
			t.Fatalf("want one change of about +20 %% at commit %d (%s): %v", before, commitOf(before)[:7], cs)
		}
		if c.First == commitOf(before) && c.Last == commitOf(before-1) {
			if c.RelChange < 0.15 {
				t.Fatalf("the step's change is %+.1f %%, want about +20 %%", 100*c.RelChange)
			}
			return
		}
	}
	t.Fatalf("a 20 %% step not flagged at its commit within %d pushes", within)
}

// An environment change is a boundary, not a change: 15 pushes on one
// machine, then 15 on another CPU whose circuit builds are 20 % slower.
func TestScenarioEnvironmentChange(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 2))
	h := &History{}
	for i := range 30 {
		r := fixture.Results(t, 1, draw(rng, 5)...)
		if i >= 15 {
			r = fixture.Mutate(fixture.Results(t, 1.2, draw(rng, 5)...), func(r *results.Results) { r.Environment.CPUModel = "Other CPU" })
		}
		h.Append(newEntry(t, r, i), 0)
	}
	_, _, b := h.Series(results.MetricCircuitBuildP95)
	if !slices.Equal(b, []int{15}) {
		t.Fatalf("boundaries %v, want [15]", b)
	}
	if cs, err := Changes(h, results.MetricCircuitBuildP95, changepoint.Options{}); cs != nil || err != nil {
		t.Fatalf("an environment change flagged: %v, %v", cs, err)
	}
}

// figures are the trust figures of one setting.
type figures struct {
	histories int
	flagged   int // histories with a change flagged
	// For histories with a step: first[i] is the number of slow pushes in
	// the history when a change was first flagged (at most 10 commits
	// before the step), exact[i]
	// when a change was first flagged at the step's commit exactly (0:
	// never, within the pushes simulated); placed counts histories that
	// end with a change at the step's commit ±1, and extra those that end
	// with more than one change.
	first, exact []int
	// twice[i] is when a change was first flagged at the same commit on two
	// pushes in a row.
	twice         []int
	placed, extra int
	// early is how many commits before the step the first flag put the
	// change, at most.
	early int
}

func (f figures) rate() float64 { return float64(f.flagged) / float64(f.histories) }

// quantiles is "median m, 90th percentile p, max x" of the nonzero values.
func quantiles(v []int) string {
	d := slices.Sorted(slices.Values(slices.DeleteFunc(slices.Clone(v), func(x int) bool { return x == 0 })))
	if len(d) == 0 {
		return "never"
	}
	q := func(p float64) int { return d[int(p*float64(len(d)-1)+0.5)] }
	return fmt.Sprintf("median %d, 90th percentile %d, max %d", q(0.5), q(0.9), d[len(d)-1])
}

func count(v []int) (n int) {
	for _, x := range v {
		if x > 0 {
			n++
		}
	}
	return n
}

func (f figures) String() string {
	if f.first == nil {
		return fmt.Sprintf("%d of %d histories flagged (%.1f %%)", f.flagged, f.histories, 100*f.rate())
	}
	return fmt.Sprintf("flagged in %d of %d (%.1f %%) after %s slow pushes (at most %d commits early); at the step's commit in %d after %s; "+
		"twice in a row in %d after %s; in the end at the step ±1 in %d, with a second change in %d",
		f.flagged, f.histories, 100*f.rate(), quantiles(f.first), f.early, count(f.exact), quantiles(f.exact),
		count(f.twice), quantiles(f.twice), f.placed, f.extra)
}

// aa simulates histories of n A/A pushes and counts those where a change
// point is flagged in metric: analysed once at the end (final), and after
// every push from the 10th (sequential: what a job that runs the
// detection on every push would have reported at least once).
func aa(t testing.TB, p *pool, seed uint64, histories, n, runs int, metric string) (final, sequential, twice figures) {
	final.histories, sequential.histories, twice.histories = histories, histories, histories
	for k := range histories {
		s := &sim{t: t, p: p, rng: rand.New(rand.NewPCG(seed, uint64(k))), runs: runs}
		var seen, confirmed bool
		var prev, cs []Change
		for s.n < n {
			s.push(1)
			if s.n < 10 {
				continue
			}
			prev, cs = cs, s.changes(metric)
			seen = seen || cs != nil
			confirmed = confirmed || again(prev, cs)
		}
		if seen {
			sequential.flagged++
		}
		if confirmed {
			twice.flagged++
		}
		if cs != nil {
			final.flagged++
		}
	}
	return final, sequential, twice
}

// again reports whether a change of cs starts at the same commit as one
// of prev: a change flagged on two pushes in a row.
func again(prev, cs []Change) bool {
	for _, c := range cs {
		if slices.ContainsFunc(prev, func(p Change) bool { return p.First == c.First }) {
			return true
		}
	}
	return false
}

// step simulates histories of before A/A pushes, then pushes slower by
// scale appended one by one, after of them, and measures when the step is
// flagged, and where.
func step(t testing.TB, p *pool, seed uint64, histories, before, after, runs int, scale float64) figures {
	f := figures{histories: histories, first: make([]int, histories), exact: make([]int, histories), twice: make([]int, histories)}
	for k := range histories {
		s := &sim{t: t, p: p, rng: rand.New(rand.NewPCG(seed, uint64(k))), runs: runs}
		for s.n < before {
			s.push(1)
		}
		var prev, cs []Change
		for j := 1; j <= after; j++ {
			s.push(scale)
			prev, cs = cs, s.changes(results.MetricCircuitBuildP95)
			if f.twice[k] == 0 && again(prev, cs) {
				f.twice[k] = j
			}
			// A change flagged far before the step is a false alarm of
			// the A/A pushes, not this step's.
			if i := slices.IndexFunc(cs, func(c Change) bool { return c.Index >= before-10 }); i >= 0 && f.first[k] == 0 {
				f.first[k] = j
				f.flagged++
				f.early = max(f.early, before-cs[i].Index)
			}
			if f.exact[k] == 0 && slices.ContainsFunc(cs, func(c Change) bool { return c.Index == before }) {
				f.exact[k] = j
			}
		}
		if slices.ContainsFunc(cs, func(c Change) bool { return c.Index >= before-1 && c.Index <= before+1 }) {
			f.placed++
		}
		if len(cs) > 1 {
			f.extra++
		}
	}
	return f
}

// TestTrust measures the false alarms and the detection delay of Changes
// on histories of the fixture's real runs, printed with
//
//	go test -run TestTrust -v ./history
//
// or, on runs collected on this machine's instrument (each run of the
// files a push's run to draw from):
//
//	PERFGATE_HISTORY_RUNS='DIR/*.json' go test -run TestTrust -v -count=1 ./history
//
// A/A histories of 30 pushes, each push's runs drawn at random from the
// fixture's eight networks, and histories with a step of +10 % or +20 % in
// every circuit build after 30 pushes, with 5, 3 and 1 runs a push. Under
// -short or the race detector it simulates fewer histories, with 5 runs
// only. It asserts only what the package documentation promises.
func TestTrust(t *testing.T) {
	hist, settings := 200, []int{5, 3, 1}
	if testing.Short() || raceEnabled {
		hist, settings = 40, []int{5}
	}
	p := newPool(t, 1, 1.1, 1.2)
	for _, runs := range settings {
		t.Run(fmt.Sprintf("runs=%d", runs), func(t *testing.T) {
			t.Parallel()
			var lines []string
			for _, m := range []string{results.MetricCircuitBuildP95, results.MetricMemorySteadyRSS, results.MetricStreamCapacity} {
				final, seq, twice := aa(t, p, 1, hist, 30, runs, m)
				lines = append(lines, fmt.Sprintf("A/A %s: at push 30 %v; at some push 10..30 %v; twice in a row %v", m, final, seq, twice))
				if runs >= 3 && final.rate() > 0.05 {
					t.Errorf("A/A %s with %d runs: %v", m, runs, final)
				}
			}
			for _, sc := range []float64{1.2, 1.1} {
				f := step(t, p, 2, hist/2, 30, 15, runs, sc)
				lines = append(lines, fmt.Sprintf("step %+.0f %%: %v", 100*(sc-1), f))
				if sc == 1.2 && runs >= 3 && (f.rate() < 0.9 || count(f.exact) < f.histories*9/10) {
					t.Errorf("step +20 %% with %d runs: %v", runs, f)
				}
			}
			t.Logf("trust figures, %d runs a push:\n%s", runs, strings.Join(lines, "\n"))
		})
	}
}
