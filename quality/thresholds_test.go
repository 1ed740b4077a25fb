package quality

import (
	"testing"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/results"
)

func TestParseThresholds(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Thresholds
		str  string
		bad  bool
	}{
		{in: "0", str: "default"},
		{in: "10", want: Thresholds{P95: 10}, str: "p95 10 %"},
		{in: "10/5", want: Thresholds{P95: 10, RSS: 5}, str: "p95 10 %, RSS 5 %"},
		{in: "0/5/12.5", want: Thresholds{RSS: 5, Capacity: 12.5}, str: "RSS 5 %, capacity 12.5 %"},
		{in: "1/2/3/4", bad: true},
		{in: "ten", bad: true},
		{in: "-5", bad: true},
		{in: "NaN", bad: true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseThresholds(tc.in)
			if tc.bad {
				if err == nil {
					t.Errorf("ParseThresholds(%q) = %+v, want an error", tc.in, got)
				}
				return
			}
			if err != nil || got != tc.want || got.String() != tc.str {
				t.Errorf("ParseThresholds(%q) = %+v (%q), %v; want %+v (%q)", tc.in, got, got.String(), err, tc.want, tc.str)
			}
		})
	}
	cfg := withThreshold(check.DefaultConfig(), Thresholds{RSS: 7})
	if mc := cfg.Metrics[results.MetricMemorySteadyRSS]; mc.AllowedRegressionPct != 7 || mc.AllowedRegressionPctFewRuns != nil {
		t.Errorf("RSS config %+v", mc)
	}
	if check.DefaultConfig().Metrics[results.MetricMemorySteadyRSS].AllowedRegressionPct == 7 {
		t.Error("withThreshold changed the default config")
	}
}

// FuzzParseThresholds: any input gives thresholds that print and parse
// back to themselves, or an error; never a panic.
func FuzzParseThresholds(f *testing.F) {
	for _, s := range []string{"0", "10", "10/5", "0/5/12.5", "1/2/3/4", "ten", "-5", "NaN", "1e400", "/", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		th, err := ParseThresholds(s)
		if err != nil {
			return
		}
		if th.P95 < 0 || th.RSS < 0 || th.Capacity < 0 {
			t.Fatalf("%q: negative thresholds %+v", s, th)
		}
		_ = th.String()
	})
}
