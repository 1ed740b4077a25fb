package check

import (
	"errors"
	"strings"
	"testing"

	"github.com/perfgate/perfgate/internal/fixture"
	"github.com/perfgate/perfgate/results"
)

// onRunner returns a copy of r as if a runner named name with cpu had
// measured it.
func onRunner(r *results.Results, name, cpu string) *results.Results {
	return fixture.Mutate(r, func(r *results.Results) { r.Environment.RunnerName, r.Environment.CPUModel = name, cpu })
}

// TestPoolShards: the shards' runs pooled in order, renumbered, labelled
// with their shard; shards of other machines or settings are warnings.
func TestPoolShards(t *testing.T) {
	s1, s2, s3 := fixture.Results(t, 1, 1, 2), fixture.Results(t, 1, 3), fixture.Results(t, 1, 4, 5)
	for _, tc := range []struct {
		name     string
		shards   []*results.Results
		labels   []string
		warnings []string // each a substring of one warning, in order
	}{
		{"alike shards", []*results.Results{s1, s2, s3},
			[]string{"shard 1", "shard 1", "shard 2", "shard 3", "shard 3"}, nil},
		{"one shard", []*results.Results{s2}, []string{"shard 1"}, nil},
		{"runners of other CPUs", []*results.Results{onRunner(s1, "r1", "Test CPU"), onRunner(s2, "r2", "Other CPU"), onRunner(s3, "r3", "Other CPU")},
			[]string{"shard 1", "shard 1", "shard 2", "shard 3", "shard 3"},
			[]string{"shard 2 (runner r2), shard 3 (runner r3) ran in another environment than shard 1 (runner r1): CPU Test CPU → Other CPU"}},
		{"other settings and tor", []*results.Results{s1,
			fixture.Mutate(s2, func(r *results.Results) { r.Settings.Circuits = 200; r.Environment.TorVersion = "0.4.8.1" }),
			fixture.Mutate(s3, func(r *results.Results) { r.Source = "gobench" })},
			[]string{"shard 1", "shard 1", "shard 2", "shard 3", "shard 3"},
			[]string{"shard 2 ran in another environment than shard 1: tor 0.4.9.11 → 0.4.8.1",
				"shard 2 ran with other settings than shard 1: circuits 100 → 200",
				"shard 3 came from another source than shard 1: perfgate → gobench"}},
		{"A/B sides of shards", []*results.Results{
			fixture.Mutate(s1, func(r *results.Results) { r.Runs[0].Label, r.Runs[1].Label = "A", "A" }),
			fixture.Mutate(s2, func(r *results.Results) { r.Runs[0].Label = "A" })},
			[]string{"shard 1", "shard 1", "shard 2"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pooled, warnings, err := PoolShards(tc.shards)
			if err != nil {
				t.Fatal(err)
			}
			if len(pooled.Runs) != len(tc.labels) || pooled.Settings.Runs != len(tc.labels) {
				t.Fatalf("%d runs (settings: %d), want %d", len(pooled.Runs), pooled.Settings.Runs, len(tc.labels))
			}
			for i, run := range pooled.Runs {
				if run.Index != i || run.Label != tc.labels[i] {
					t.Errorf("run %d: index %d, label %q, want %q", i, run.Index, run.Label, tc.labels[i])
				}
			}
			if pooled.Environment != tc.shards[0].Environment {
				t.Errorf("environment %+v, want the first shard's", pooled.Environment)
			}
			if len(warnings) != len(tc.warnings) {
				t.Fatalf("warnings %q, want %d", warnings, len(tc.warnings))
			}
			for i, w := range tc.warnings {
				if !strings.Contains(warnings[i], w) {
					t.Errorf("warning %q, want %q", warnings[i], w)
				}
			}
		})
	}
	t.Run("the shards are left as they were", func(t *testing.T) {
		if _, _, err := PoolShards([]*results.Results{s1, s3}); err != nil {
			t.Fatal(err)
		}
		if s3.Runs[0].Index != 0 || s3.Runs[1].Label != "" {
			t.Errorf("shard 2's runs changed: %+v", s3.Runs[1])
		}
	})
	t.Run("notes once, or named by shard", func(t *testing.T) {
		a := fixture.Mutate(s1, func(r *results.Results) { r.Notes = []string{"no raw samples", "only shard 1"} })
		b := fixture.Mutate(s2, func(r *results.Results) { r.Notes = []string{"no raw samples"} })
		pooled, _, err := PoolShards([]*results.Results{a, b})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(pooled.Notes, "|"); got != "no raw samples|shard 1: only shard 1" {
			t.Errorf("notes %q", got)
		}
	})
}

func TestPoolShardsErrors(t *testing.T) {
	s1, s2 := fixture.Results(t, 1, 1), fixture.Results(t, 1, 2)
	for _, tc := range []struct {
		name     string
		shards   []*results.Results
		side     string // of the *InputError; "" for another error
		contains string
	}{
		{"no shards", nil, "", "no shards"},
		{"no results", []*results.Results{s1, nil}, "shard 2", "no results"},
		{"another schema", []*results.Results{s1, fixture.Mutate(s2, func(r *results.Results) { r.Schema = "perfgate/baseline/v1" })}, "shard 2", "unknown schema"},
		{"another suite", []*results.Results{s1, fixture.Mutate(s2, func(r *results.Results) { r.Suite = "go-tor" })}, "shard 2",
			`results of suite "go-tor" cannot be pooled with shard 1's of suite "perfgate"`},
		{"no runs", []*results.Results{fixture.Mutate(s1, func(r *results.Results) { r.Runs = nil }), s2}, "shard 1", "no runs"},
		{"both sides of an A/B session", []*results.Results{s1, fixture.Mutate(fixture.Results(t, 1, 2, 3), func(r *results.Results) {
			r.Runs[0].Label, r.Runs[1].Label = "A", "B"
		})}, "shard 2", "both sides of an interleaved A/B session"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := PoolShards(tc.shards)
			if err == nil {
				t.Fatal("no error")
			}
			var ie *InputError
			if errors.As(err, &ie) != (tc.side != "") || tc.side != "" && ie.Side != tc.side {
				t.Errorf("error %q (%T), want side %q", err, err, tc.side)
			}
			if !strings.Contains(err.Error(), tc.contains) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q, want %q on one line", err, tc.contains)
			}
		})
	}
}

// TestComparePooled: in stored-baseline mode pooled shards compare as one
// results file of the same runs does, and the report says which shards'
// runners differ from the baseline's.
func TestComparePooled(t *testing.T) {
	base := fixture.Results(t, 1, 1, 2, 3)
	shards := []*results.Results{fixture.Results(t, 1, 4, 5), fixture.Results(t, 1, 6), fixture.Results(t, 1, 7, 8)}
	slower := func(rs []*results.Results, s float64) []*results.Results {
		out := make([]*results.Results, len(rs))
		for i, r := range rs {
			out[i] = fixture.Mutate(r, fixture.ScaleLatency(s))
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		shards  []*results.Results
		one     *results.Results // the same runs in one file
		verdict Verdict
	}{
		{"A/A", shards, fixture.Results(t, 1, 4, 5, 6, 7, 8), VerdictPass},
		{"every shard 60 % slower", slower(shards, 1.6), fixture.Results(t, 1.6, 4, 5, 6, 7, 8), VerdictRegression},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := ComparePooled(base, tc.shards, DefaultConfig())
			if err != nil {
				t.Fatal(err)
			}
			one, err := Compare(base, tc.one, DefaultConfig())
			if err != nil {
				t.Fatal(err)
			}
			if rep.Verdict != tc.verdict || one.Verdict != tc.verdict {
				t.Errorf("verdict %s (one file: %s), want %s", rep.Verdict, one.Verdict, tc.verdict)
			}
			for _, key := range []string{results.MetricCircuitBuildP95, results.MetricMemorySteadyRSS, results.MetricStreamCapacity} {
				got, want := metricOf(t, rep, key), metricOf(t, one, key)
				if *got.Change != *want.Change || got.Current.Value != want.Current.Value || got.Status != want.Status {
					t.Errorf("%s: pooled %+v (%s), one file %+v (%s)", key, *got.Change, got.Status, *want.Change, want.Status)
				}
			}
			if !strings.Contains(strings.Join(rep.Notes, "\n"), "pools the runs of 3 shards (shard 1: 2 runs, shard 2: 1 run, shard 3: 2 runs)") {
				t.Errorf("notes %q", rep.Notes)
			}
		})
	}
	t.Run("runners that differ from the baseline's", func(t *testing.T) {
		mixed := []*results.Results{shards[0], onRunner(shards[1], "r2", "Other CPU"), shards[2]}
		rep, err := ComparePooled(base, mixed, DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(rep.EnvironmentDiff, "; "); got != "shard 2 (runner r2): CPU Test CPU → Other CPU" {
			t.Errorf("environment diff %q", got)
		}
		if !strings.Contains(strings.Join(rep.Warnings, "\n"), "shard 2 (runner r2) ran in another environment than shard 1") {
			t.Errorf("warnings %q", rep.Warnings)
		}
		all := []*results.Results{onRunner(shards[0], "", "Other CPU"), onRunner(shards[1], "", "Other CPU")}
		rep, err = ComparePooled(base, all, DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(rep.EnvironmentDiff, "; "); got != "CPU Test CPU → Other CPU" {
			t.Errorf("environment diff of shards alike %q", got)
		}
	})
	t.Run("a shard that cannot be pooled", func(t *testing.T) {
		_, err := ComparePooled(base, []*results.Results{shards[0], fixture.Mutate(shards[1], func(r *results.Results) { r.Suite = "x" })}, DefaultConfig())
		var ie *InputError
		if !errors.As(err, &ie) || ie.Side != "shard 2" {
			t.Errorf("error %v, want one naming shard 2", err)
		}
	})
}
