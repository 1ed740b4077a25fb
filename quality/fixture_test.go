package quality

import (
	"strconv"
	"strings"
	"testing"

	"github.com/perfgate/perfgate/benchmark"

	"github.com/perfgate/perfgate/results"
)

// noiseFixture is 8 real networks' runs (testdata/README.md).
const noiseFixture = "testdata/loopback-noise.json"

func loadNoise(t *testing.T) *results.Results {
	t.Helper()
	r, err := results.Load(noiseFixture, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Runs) != 8 {
		t.Fatalf("%d runs, want 8", len(r.Runs))
	}
	return r
}

// tag returns a copy of res tagged as collected in mode with an injection
// of kinds and size, named inj.
func tag(res *results.Results, mode, inj string, kinds []string, size float64) *results.Results {
	c := *res
	c.Settings.Extra = map[string]string{ExtraMode: mode, ExtraInjection: inj, ExtraKinds: strings.Join(kinds, ","),
		ExtraSize: strconv.FormatFloat(size, 'g', -1, 64)}
	return &c
}

// abSession lays out an A/B session of 4 runs per side in the balanced
// schedule: A's runs from r, B's from b (at the same indices).
func abSession(r *results.Results, b []results.Run) *results.Results {
	s := *r
	s.Runs = nil
	for i, side := range benchmark.Schedule(4, benchmark.Balanced) {
		run := r.Runs[i]
		if side == benchmark.SideB {
			run = b[i]
		}
		run.Label = side.String()
		s.Runs = append(s.Runs, run)
	}
	return &s
}
