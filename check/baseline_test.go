package check

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/perfgate/perfgate/internal/fixture"
	"github.com/perfgate/perfgate/results"
)

func TestBaseline(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "baselines", "main.json")
	r := fixture.Results(t, 1, 1, 2)
	b, err := NewBaseline(r, results.BaselineMeta{Commit: "abc123", Ref: "refs/heads/main", Date: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if err := results.WriteBaseline(out, b); err != nil {
		t.Fatal(err)
	}
	got, err := results.ReadBaseline(out)
	if err != nil {
		t.Fatal(err)
	}
	if got.Commit != "abc123" || len(got.Results.Runs) != 2 || got.Environment.CPUModel != "Test CPU" {
		t.Errorf("read back %+v", got)
	}
	if rr, err := results.Load(out, ""); err != nil || len(rr.Runs) != 2 {
		t.Errorf("Load of a baseline: %v", err)
	}
	orig, _ := os.ReadFile(out)

	t.Run("a failed run is refused", func(t *testing.T) {
		bad := fixture.Mutate(r, func(r *results.Results) { r.Runs[1].Error = "tor died" })
		if _, err := NewBaseline(bad, results.BaselineMeta{}); err == nil || !strings.Contains(err.Error(), "tor died") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("a partial run is refused", func(t *testing.T) {
		bad := fixture.Mutate(r, func(r *results.Results) { r.Runs[1].Benchmarks = r.Runs[1].Benchmarks[:1] })
		if _, err := NewBaseline(bad, results.BaselineMeta{}); err == nil || !strings.Contains(err.Error(), "missing from 1 of 2 runs") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("a metric the suite does not measure is not partial", func(t *testing.T) {
		none := fixture.Mutate(r, func(r *results.Results) {
			for i := range r.Runs {
				r.Runs[i].Benchmarks = r.Runs[i].Benchmarks[:2]
			}
		})
		if _, err := NewBaseline(none, results.BaselineMeta{}); err != nil {
			t.Error(err)
		}
	})
	t.Run("an invalid baseline is not written", func(t *testing.T) {
		bad := *b
		bad.Schema = "nope"
		if err := results.WriteBaseline(out, &bad); err == nil {
			t.Error("no error")
		}
		now, _ := os.ReadFile(out)
		if string(now) != string(orig) {
			t.Error("the baseline changed")
		}
		entries, _ := os.ReadDir(filepath.Dir(out))
		if len(entries) != 1 {
			t.Errorf("left files behind: %v", entries)
		}
	})
	t.Run("keep runs merges up to K", func(t *testing.T) {
		nb, _ := NewBaseline(fixture.Results(t, 1, 3, 4), results.BaselineMeta{})
		merged, why := nb.Update(got, 3)
		if !merged || why != "" || len(nb.Results.Runs) != 3 || nb.Results.Runs[2].Index != 2 {
			t.Fatalf("merged %v (%s), %d runs", merged, why, len(nb.Results.Runs))
		}
		// The oldest run went: the last three are networks 2, 3, 4.
		if nb.Results.Runs[0].Find(results.BenchCircuitBuild).LatenciesS[0] != fixture.Network(t, 2, 1).Benchmarks[0].LatenciesS[0] {
			t.Error("kept the wrong runs")
		}
	})
	t.Run("update inherits keep runs", func(t *testing.T) {
		old, _ := NewBaseline(fixture.Results(t, 1, 1, 2), results.BaselineMeta{})
		old.KeepRuns = 3
		for _, tt := range []struct {
			keep, runs, keepRuns int
		}{
			{keep: results.KeepInherit, runs: 3, keepRuns: 3},
			{keep: 0, runs: 2, keepRuns: 0},
			{keep: 6, runs: 4, keepRuns: 6},
		} {
			nb, _ := NewBaseline(fixture.Results(t, 1, 3, 4), results.BaselineMeta{})
			nb.Update(old, tt.keep)
			if len(nb.Results.Runs) != tt.runs || nb.KeepRuns != tt.keepRuns {
				t.Errorf("Update(keep %d): %d runs, keep_runs %d; want %d, %d", tt.keep, len(nb.Results.Runs), nb.KeepRuns, tt.runs, tt.keepRuns)
			}
		}
	})
	t.Run("keep runs does not mix environments", func(t *testing.T) {
		other := fixture.Results(t, 1, 3)
		other.Environment.TorVersion = "0.4.8.0"
		nb, _ := NewBaseline(other, results.BaselineMeta{})
		merged, why := nb.Update(got, 5)
		if merged || !strings.Contains(why, "tor 0.4.9.11 → 0.4.8.0") {
			t.Errorf("merged %v (%s)", merged, why)
		}
	})
	t.Run("results are not a baseline", func(t *testing.T) {
		p := fixture.File(t, dir, "json", fixture.JSON(t, r))
		if _, err := results.ReadBaseline(p); err == nil || !strings.Contains(err.Error(), "not a baseline file") {
			t.Errorf("error %v", err)
		}
	})
}
