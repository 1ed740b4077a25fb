package check

import (
	"math"
	"strings"
	"testing"

	"github.com/perfgate/perfgate/internal/fixture"
	"github.com/perfgate/perfgate/results"
)

func TestRunValues(t *testing.T) {
	base := fixture.Results(t, 1, 1, 2, 3)
	for _, c := range []struct {
		name    string
		r       *results.Results
		missing map[int][]string // run → metric keys it must lack
		wantErr string
	}{
		{name: "fixture", r: base},
		{name: "slower", r: fixture.Results(t, 1.2, 1, 2, 3)},
		{name: "one run", r: fixture.Results(t, 1, 7)},
		{name: "no runs", r: fixture.Mutate(base, func(r *results.Results) { r.Runs = nil })},
		{name: "same index twice", r: fixture.Mutate(base, func(r *results.Results) {
			for i := range r.Runs {
				r.Runs[i].Index = 0
			}
		})},
		{name: "a run without the ladder", r: fixture.Mutate(base, func(r *results.Results) {
			r.Runs[1].Benchmarks = r.Runs[1].Benchmarks[:2]
		}), missing: map[int][]string{1: {results.MetricStreamCapacity}}},
		{name: "a run without benchmarks", r: fixture.Mutate(base, func(r *results.Results) {
			r.Runs[2].Benchmarks = nil
		}), missing: map[int][]string{2: {results.MetricCircuitBuildP95, results.MetricMemorySteadyRSS, results.MetricStreamCapacity}}},
		{name: "implausible sample", r: fixture.Mutate(base, func(r *results.Results) {
			r.Runs[1].Benchmarks[0].LatenciesS[3] = math.NaN()
		}), wantErr: "circuit_build_p95: run 1, benchmark circuit_build: sample 4 is NaN"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := RunValues(c.r)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want %q", err, c.wantErr)
				}
				fixture.OneLine(t, err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(c.r.Runs) {
				t.Fatalf("%d runs, want %d", len(got), len(c.r.Runs))
			}
			for run, keys := range c.missing {
				for _, k := range keys {
					if _, ok := got[run][k]; ok {
						t.Errorf("run %d has %s", run, k)
					}
				}
			}
			if len(c.r.Runs) == 0 {
				return
			}
			// The values are the gate's: those of the report's per-run
			// values, in run order, for every metric the report has.
			rep, err := Compare(nil, c.r, DefaultConfig())
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range rep.Metrics {
				var mine []float64
				for _, rv := range got {
					if v, ok := rv[m.Key]; ok {
						mine = append(mine, v)
					}
				}
				if len(mine) != len(m.Current.RunValues) {
					t.Fatalf("%s: %d run values, the gate has %d", m.Key, len(mine), len(m.Current.RunValues))
				}
				for i := range mine {
					if mine[i] != m.Current.RunValues[i] {
						t.Errorf("%s run %d: %g, the gate reads %g", m.Key, i, mine[i], m.Current.RunValues[i])
					}
				}
			}
		})
	}
}

// The fixture's values themselves, so that a change of the extraction
// shows here too.
func TestRunValuesFixture(t *testing.T) {
	got, err := RunValues(fixture.Results(t, 1, 1, 2, 3))
	if err != nil {
		t.Fatal(err)
	}
	want := []map[string]float64{
		{results.MetricCircuitBuildP95: 0.060823, results.MetricMemorySteadyRSS: 1.9554304e+07, results.MetricStreamCapacity: 1000},
		{results.MetricCircuitBuildP95: 0.0607843, results.MetricMemorySteadyRSS: 1.9652608e+07, results.MetricStreamCapacity: 1000},
		{results.MetricCircuitBuildP95: 0.0653562, results.MetricMemorySteadyRSS: 1.9431424e+07, results.MetricStreamCapacity: 1000},
	}
	for i, w := range want {
		for k, v := range w {
			if math.Abs(got[i][k]-v) > 1e-9*v {
				t.Errorf("run %d %s = %g, want %g", i, k, got[i][k], v)
			}
		}
		if len(got[i]) != 7 { // the metrics of the fixture's three benchmarks
			t.Errorf("run %d: %d metrics %v, want 7", i, len(got[i]), got[i])
		}
	}
}
