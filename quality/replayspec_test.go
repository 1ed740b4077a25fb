package quality

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/perfgate/perfgate/check"
)

func TestReplaySpec(t *testing.T) {
	o, err := ReplaySpec{RunsPerSide: "1, 3", Thresholds: "0,10/5", Builds: "100,,200", Warmup: 5, Synthetic: "0.1,0.5",
		Adaptive: "2:5:4m", MaxPairs: 20, Resamples: 300, Test: check.TestRank}.Options()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(o.RunsPerSide, []int{1, 3}) || !reflect.DeepEqual(o.Thresholds, []Thresholds{{}, {P95: 10, RSS: 5}}) ||
		!reflect.DeepEqual(o.Builds, []int{100, 200}) || o.Warmup != 5 || !reflect.DeepEqual(o.Synthetic, []float64{0.1, 0.5}) ||
		o.MaxPairs != 20 || o.Seed != 1 {
		t.Errorf("Options = %+v", o)
	}
	if o.Adaptive == nil || *o.Adaptive != (check.Budget{MinRuns: 2, MaxRuns: 5, Step: 1, Time: 4 * time.Minute}) {
		t.Errorf("adaptive %+v", o.Adaptive)
	}
	if o.Config == nil || o.Config.Resamples != 300 || o.Config.Test != check.TestRank {
		t.Errorf("config %+v", o.Config)
	}
	for _, tc := range []struct {
		name string
		spec ReplaySpec
		want string
	}{
		{"runs per side 0", ReplaySpec{RunsPerSide: "0"}, "--runs-per-side: 0 is not a positive whole number"},
		{"runs per side 1.5", ReplaySpec{RunsPerSide: "1.5"}, "--runs-per-side: 1.5 is not a positive whole number"},
		{"runs per side text", ReplaySpec{RunsPerSide: "two"}, `--runs-per-side: "two" is not a number`},
		{"threshold", ReplaySpec{Thresholds: "ten"}, "--thresholds:"},
		{"builds", ReplaySpec{Builds: "-100"}, "--builds: -100 is not a positive whole number"},
		{"warmup", ReplaySpec{Warmup: -1}, "--warmup -1: want 0 or more"},
		{"synthetic 2", ReplaySpec{Synthetic: "2"}, "--synthetic: 2: want a size between 0 and 1"},
		{"synthetic text", ReplaySpec{Synthetic: "x"}, "--synthetic:"},
		{"adaptive", ReplaySpec{Adaptive: "5:2:1m"}, "--adaptive:"},
		{"config", ReplaySpec{ConfigFile: "no-such.yml"}, "--config:"},
		{"test", ReplaySpec{Test: "coin"}, "--test:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.spec.Options(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}

func TestParseBudget(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want check.Budget
		bad  bool
	}{
		{in: "2:5:4m", want: check.Budget{MinRuns: 2, MaxRuns: 5, Step: 1, Time: 4 * time.Minute}},
		{in: "1:1:30s", want: check.Budget{MinRuns: 1, MaxRuns: 1, Step: 1, Time: 30 * time.Second}},
		{in: "5:2:1m", bad: true},
		{in: "0:2:1m", bad: true},
		{in: "2:5:0s", bad: true},
		{in: "2:5", bad: true},
		{in: "a:5:1m", bad: true},
		{in: "2:5:soon", bad: true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseBudget(tc.in)
			if tc.bad {
				if err == nil || !strings.Contains(err.Error(), "MIN:MAX:TIME") {
					t.Errorf("ParseBudget(%q) = %+v, %v; want an error", tc.in, got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("ParseBudget(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
			}
		})
	}
}
