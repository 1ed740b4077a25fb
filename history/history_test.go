package history

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/perfgate/perfgate/changepoint"
	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/internal/fixture"
	"github.com/perfgate/perfgate/results"
)

func TestNewEntry(t *testing.T) {
	r := fixture.Results(t, 1, 1, 2, 3)
	date := time.Date(2026, 11, 25, 19, 0, 0, 0, time.FixedZone("CET", 3600))
	e, err := NewEntry(r, "c0ffee", "beef", "refs/heads/main", date)
	if err != nil {
		t.Fatal(err)
	}
	if e.Schema != Schema || e.Commit != "c0ffee" || e.Parent != "beef" || e.Ref != "refs/heads/main" || e.Runs != 3 ||
		!e.Date.Equal(date) || e.Date.Location() != time.UTC || e.Fingerprint != Fingerprint(r.Environment) {
		t.Fatalf("entry %+v", e)
	}
	rv, err := check.RunValues(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range results.Metrics {
		var want []float64
		for _, run := range rv {
			if v, ok := run[m.Key]; ok {
				want = append(want, v)
			}
		}
		if !slices.Equal(e.Values[m.Key], want) {
			t.Errorf("%s: %v, want %v", m.Key, e.Values[m.Key], want)
		}
	}
	if len(e.Values) != 7 {
		t.Errorf("%d metrics, want the fixture's 7", len(e.Values))
	}
	if v, ok := e.Median(results.MetricCircuitBuildP95); !ok || v != 0.0608230 {
		t.Errorf("median p95 %v %v, want the middle run's 0.060823", v, ok)
	}

	for _, c := range []struct {
		name           string
		r              *results.Results
		commit, parent string
		date           time.Time
		want           string
	}{
		{"no results", nil, "c", "", date, "no results"},
		{"no commit", r, "", "", date, "no commit"},
		{"commit with a newline", r, "c\n", "", date, "has a space or a control character"},
		{"no date", r, "c", "", time.Time{}, "commit c: no date"},
		{"no runs", fixture.Mutate(r, func(r *results.Results) { r.Runs = nil }), "c", "", date, "commit c: "},
		{"no metric", fixture.Mutate(r, func(r *results.Results) {
			for i := range r.Runs {
				r.Runs[i].Benchmarks = []results.Benchmark{{Key: "other", Success: true}}
			}
		}), "c", "", date, "commit c: no values"},
		{"implausible", fixture.Mutate(r, func(r *results.Results) { r.Runs[0].Benchmarks[0].LatenciesS[0] = -1 }), "c", "", date, "not a plausible value"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewEntry(c.r, c.commit, c.parent, "", c.date)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v, want %q", err, c.want)
			}
			fixture.OneLine(t, err)
		})
	}
}

func TestFingerprint(t *testing.T) {
	base := fixture.Results(t, 1, 1).Environment
	fp := Fingerprint(base)
	if len(fp) != 12 || strings.Trim(fp, "0123456789abcdef") != "" {
		t.Fatalf("fingerprint %q, want 12 hex digits", fp)
	}
	for _, c := range []struct {
		name    string
		edit    func(e *results.Environment)
		changes bool
	}{
		{"CPU", func(e *results.Environment) { e.CPUModel = "Other" }, true},
		{"cores", func(e *results.Environment) { e.Cores = 4 }, true},
		{"OS", func(e *results.Environment) { e.OS = "darwin" }, true},
		{"arch", func(e *results.Environment) { e.Arch = "arm64" }, true},
		{"tor", func(e *results.Environment) { e.TorVersion = "0.4.9.12" }, true},
		{"client", func(e *results.Environment) { e.ClientName = "arti" }, true},
		{"client version", func(e *results.Environment) { e.ClientVersion = "1.2" }, true},
		{"loopback", func(e *results.Environment) { e.Loopback = "shim" }, true},
		{"network settings", func(e *results.Environment) { e.NetworkSettings = "Schedulers Vanilla" }, true},
		{"fields run together", func(e *results.Environment) { e.OS, e.Arch = "linuxamd64", "" }, true},
		{"host name", func(e *results.Environment) { e.Hostname = "elsewhere" }, false},
		{"runner", func(e *results.Environment) { e.RunnerName, e.RunnerOS = "GitHub Actions 7", "Linux" }, false},
		{"Go version", func(e *results.Environment) { e.GoVersion = "go1.99" }, false},
		{"client command", func(e *results.Environment) { e.ClientCommand = "tor -f {torrc}" }, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := base
			c.edit(&e)
			if got := Fingerprint(e) != fp; got != c.changes {
				t.Fatalf("fingerprint changed: %v, want %v", got, c.changes)
			}
			// The fingerprint changes exactly where EnvironmentDiff sees a
			// difference (it also ignores a field recorded on one side only,
			// which the fingerprint cannot).
			if d := results.EnvironmentDiff(base, e); (len(d) > 0) != c.changes {
				t.Fatalf("EnvironmentDiff %v", d)
			}
		})
	}
	if Fingerprint(base) != "b98c8e01a4d5" {
		t.Errorf("the fingerprint of the fixture's environment changed to %s: old histories would get a boundary", Fingerprint(base))
	}
}

func TestAppend(t *testing.T) {
	e := func(i int) Entry { return entryOf(t, i, 1, 1) }
	for _, c := range []struct {
		name  string
		have  []int // commits in the history, by number
		add   Entry
		max   int
		want  []string
		count int
	}{
		{name: "to an empty history", add: e(0), want: []string{commitOf(0)}},
		{name: "newest last", have: []int{0, 1}, add: e(2), want: []string{commitOf(0), commitOf(1), commitOf(2)}},
		{name: "in date order", have: []int{0, 2}, add: e(1), want: []string{commitOf(0), commitOf(1), commitOf(2)}},
		{name: "bounded: the oldest dropped", have: []int{0, 1, 2}, add: e(3), max: 3, want: []string{commitOf(1), commitOf(2), commitOf(3)}},
		{name: "bounded to 1", have: []int{0, 1}, add: e(2), max: 1, want: []string{commitOf(2)}},
		{name: "never the one appended", have: []int{1, 2}, add: e(0), max: 2, want: []string{commitOf(0), commitOf(2)}},
		{name: "a commit again replaces it", have: []int{0, 1, 2}, add: func() Entry {
			x := entryOf(t, 1, 1.5, 4)
			x.Date = day0.Add(10 * time.Hour)
			return x
		}(), max: 3, want: []string{commitOf(0), commitOf(2), commitOf(1)}},
		{name: "max 0 is DefaultMax", have: []int{0}, add: e(1), want: []string{commitOf(0), commitOf(1)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := &History{}
			for _, i := range c.have {
				h.Append(e(i), 0)
			}
			h.Append(c.add, c.max)
			if got := commitsOf(h); !reflect.DeepEqual(got, c.want) {
				t.Fatalf("commits %v, want %v", got, c.want)
			}
			if x := h.Find(c.add.Commit); x == nil || !reflect.DeepEqual(*x, c.add) {
				t.Fatal("the entry appended is not in the history as it was given")
			}
		})
	}
	h := &History{}
	for i := range DefaultMax + 10 {
		h.Append(e(i%3), 0) // the same three entries
		x := entryOf(t, 0, 1, 1)
		x.Commit, x.Date = commitOf(1000+i), day0.Add(time.Duration(1000+i)*time.Minute)
		h.Append(x, 0)
	}
	if len(h.Entries) != DefaultMax || h.Entries[len(h.Entries)-1].Commit != commitOf(1000+DefaultMax+9) {
		t.Fatalf("%d entries after %d appends, want DefaultMax, the newest last", len(h.Entries), 2*(DefaultMax+10))
	}
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "baselines", "history.jsonl") // the directory is made
	h := historyOf(t, 5, 1, 2, 3)
	slices.Reverse(h.Entries) // Write orders them
	if err := Write(path, h); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ls := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(ls) != 5 || !strings.HasSuffix(string(data), "}\n") {
		t.Fatalf("%d lines, want 5, one an entry", len(ls))
	}
	for i, l := range ls {
		if !strings.HasPrefix(l, `{"schema":"perfgate/history/v1","commit":"`+commitOf(i)+`",`) {
			t.Fatalf("line %d: %.80s…, want commit %d in date order", i+1, l, i)
		}
	}
	back, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(h.Entries)
	if !reflect.DeepEqual(back.Entries, h.Entries) {
		t.Fatal("read back differs")
	}
	t.Logf("a line of 3 runs: %d bytes", len(ls[0]))

	// A refused write leaves the file as it was, and no temporary file.
	for _, c := range []struct {
		name string
		edit func(h *History)
		want string
	}{
		{"invalid entry", func(h *History) { h.Entries[2].Runs = 0 }, "refusing to write an invalid entry: commit " + commitOf(2)[:7] + ": 0 runs"},
		{"a commit twice", func(h *History) { h.Entries = append(h.Entries, h.Entries[1]) }, "two entries of commit " + commitOf(1)[:7]},
		{"NaN", func(h *History) { h.Entries[0].Values["circuit_build_p95"][0] = math.NaN() }, "circuit_build_p95 value 1 is NaN"},
		{"unknown metric, infinite", func(h *History) { h.Entries[0].Values["new_metric"] = []float64{math.Inf(1)} }, "new_metric value 1 is +Inf"},
	} {
		t.Run(c.name, func(t *testing.T) {
			bad := historyOf(t, 5, 1, 2, 3)
			c.edit(bad)
			err := Write(path, bad)
			if err == nil || !strings.HasPrefix(err.Error(), path+": ") || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v, want %q", err, c.want)
			}
			fixture.OneLine(t, err)
			if now, _ := os.ReadFile(path); string(now) != string(data) {
				t.Fatal("the file changed")
			}
			if left, _ := filepath.Glob(filepath.Join(dir, "baselines", ".*")); len(left) > 0 {
				t.Fatalf("left behind: %v", left)
			}
		})
	}
	// A metric this perfgate does not know (a newer one's) is kept.
	h.Entries[0].Values["new_metric"] = []float64{-2.5}
	if err := Write(path, h); err != nil {
		t.Fatal(err)
	}
	if back, err := Read(path); err != nil || !slices.Equal(back.Entries[0].Values["new_metric"], []float64{-2.5}) {
		t.Fatalf("unknown metric not kept: %v", err)
	}
}

// A history beyond MaxBytes is refused by Write, since Read would refuse
// it; here with the limit lowered to 1 MiB.
func TestWriteOversized(t *testing.T) {
	defer func(l int) { writeLimit = l }(writeLimit)
	writeLimit = 1 << 20
	h := historyOf(t, 3, 1)
	vs := make([]float64, 30000) // about 0.6 MB a line
	for i := range vs {
		vs[i] = 0.0123456789012345 + float64(i)*1e-12
	}
	for i := range h.Entries {
		h.Entries[i].Runs = len(vs)
		h.Entries[i].Values = map[string][]float64{results.MetricCircuitBuildP95: vs}
	}
	path := filepath.Join(t.TempDir(), "history.jsonl")
	err := Write(path, h)
	if err == nil || !strings.Contains(err.Error(), "beyond the limit of 1 MiB that Read accepts") {
		t.Fatalf("err %v", err)
	}
	fixture.OneLine(t, err)
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatal("a file was written")
	}
}

func TestSeries(t *testing.T) {
	h := &History{}
	other := func(r *results.Results) { r.Environment.Loopback = "shim" }
	for i, c := range []struct {
		nets []int
		edit func(*results.Results)
	}{
		{nets: []int{1, 2, 3}}, {nets: []int{4}}, {nets: []int{5, 6}, edit: other}, {nets: []int{7, 8, 1}, edit: other}, {nets: []int{2}},
	} {
		r := fixture.Results(t, 1, c.nets...)
		if c.edit != nil {
			r = fixture.Mutate(r, c.edit)
		}
		h.Append(newEntry(t, r, i), 0)
	}
	// An entry without the metric is left out.
	x := entryOf(t, 10, 1, 1)
	x.Values = map[string][]float64{results.MetricMemorySteadyRSS: x.Values[results.MetricMemorySteadyRSS]}
	h.Append(x, 0)

	values, commits, boundaries := h.Series(results.MetricCircuitBuildP95)
	if !reflect.DeepEqual(commits, []string{commitOf(0), commitOf(1), commitOf(2), commitOf(3), commitOf(4)}) {
		t.Fatalf("commits %v", commits)
	}
	if !slices.Equal(boundaries, []int{2, 4}) {
		t.Fatalf("boundaries %v, want [2 4]", boundaries)
	}
	for i, e := range h.Entries[:5] {
		if want := results.Median(e.Values[results.MetricCircuitBuildP95]); values[i] != want {
			t.Errorf("value %d: %g, want the median of the runs %g", i, values[i], want)
		}
	}
	if v, _, b := h.Series(results.MetricMemorySteadyRSS); len(v) != 6 || !slices.Equal(b, []int{2, 4}) {
		t.Fatalf("RSS: %d values, boundaries %v", len(v), b)
	}
	if v, c, b := h.Series("no_such_metric"); v != nil || c != nil || b != nil {
		t.Fatal("a series of an unknown metric")
	}
}

func TestChanges(t *testing.T) {
	h := &History{}
	for i := range 20 {
		scale := 1.0
		if i >= 12 {
			scale = 1.3
		}
		h.Append(entryOf(t, i, scale, 1+i%8, 1+(i+1)%8, 1+(i+2)%8), 0)
	}
	cs, err := Changes(h, results.MetricCircuitBuildP95, changepoint.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].Index != 12 || cs[0].First != commitOf(12) || cs[0].Last != commitOf(11) || !cs[0].Worse ||
		math.Abs(cs[0].RelChange-0.3) > 0.05 || cs[0].P > 0.01 || cs[0].Metric != results.MetricCircuitBuildP95 {
		t.Fatalf("changes %+v", cs)
	}
	if s := cs[0].String(); !strings.HasPrefix(s, "circuit_build_p95: +29.8 % from ") || !strings.Contains(s, commitOf(11)[:7]+".."+commitOf(12)[:7]) {
		t.Fatalf("String %q", s)
	}
	// Lower capacity is worse; higher is not.
	for _, c := range []struct {
		scale float64
		worse bool
	}{{0.7, true}, {1.4, false}} {
		hc := &History{}
		for i := range 20 {
			e := entryOf(t, i, 1, 1)
			if i >= 10 {
				e.Values[results.MetricStreamCapacity] = []float64{1000 * c.scale}
			}
			hc.Append(e, 0)
		}
		cs, err := Changes(hc, results.MetricStreamCapacity, changepoint.Options{})
		if err != nil || len(cs) != 1 || cs[0].Worse != c.worse {
			t.Fatalf("capacity ×%g: %+v, %v", c.scale, cs, err)
		}
	}
	if cs, err := Changes(&History{}, results.MetricCircuitBuildP95, changepoint.Options{}); cs != nil || err != nil {
		t.Fatalf("empty history: %v, %v", cs, err)
	}
	for _, c := range []struct {
		name   string
		h      *History
		metric string
		o      changepoint.Options
		want   string
	}{
		{"unknown metric", h, "circuit_build_p96", changepoint.Options{}, `unknown metric "circuit_build_p96"`},
		{"zero value", func() *History {
			z := *h
			z.Entries = slices.Clone(h.Entries)
			z.Entries[3].Values = map[string][]float64{results.MetricCircuitBuildP95: {0}}
			return &z
		}(), results.MetricCircuitBuildP95, changepoint.Options{}, "circuit_build_p95 of commit " + commitOf(3)[:7] + " is 0: change points need positive values"},
		{"bad options", h, results.MetricCircuitBuildP95, changepoint.Options{Alpha: 2}, "history: circuit_build_p95: "},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Changes(c.h, c.metric, c.o)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v, want %q", err, c.want)
			}
		})
	}
}

func TestEnsureUnionMerge(t *testing.T) {
	for _, c := range []struct {
		name, old, path string
		added           bool
		want            string // .gitattributes after
		wantErr         string
	}{
		{name: "no file", old: "-", path: DefaultPath, added: true, want: "baselines/history.jsonl merge=union\n"},
		{name: "other lines", old: "*.png binary", path: DefaultPath, added: true, want: "*.png binary\nbaselines/history.jsonl merge=union\n"},
		{name: "already there", old: "/baselines/history.jsonl  merge=union -diff\n", path: DefaultPath, want: "/baselines/history.jsonl  merge=union -diff\n"},
		{name: "absolute path", old: "-", path: "ROOT/x/h.jsonl", added: true, want: "x/h.jsonl merge=union\n"},
		{name: "outside", old: "-", path: "../h.jsonl", wantErr: "outside the repository"},
		{name: "a space", old: "-", path: "my history.jsonl", wantErr: "add a line for it by hand"},
	} {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			if c.old != "-" {
				fixture.File(t, root, ".gitattributes", c.old)
			}
			added, err := EnsureUnionMerge(root, strings.Replace(c.path, "ROOT", root, 1))
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil || added != c.added {
				t.Fatalf("added %v, %v", added, err)
			}
			got, _ := os.ReadFile(filepath.Join(root, ".gitattributes"))
			if string(got) != c.want {
				t.Fatalf(".gitattributes %q, want %q", got, c.want)
			}
		})
	}
}
