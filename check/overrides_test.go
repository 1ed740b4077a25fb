package check

import (
	"strings"
	"testing"

	"github.com/perfgate/perfgate/results"
)

func TestOverrides(t *testing.T) {
	for _, tc := range []struct {
		name    string
		o       Overrides
		check   func(t *testing.T, c Config)
		wantErr string
	}{
		{"none", Overrides{}, func(t *testing.T, c Config) {
			if d := DefaultConfig(); c.Resamples != d.Resamples || c.Seed != d.Seed || c.Confidence != d.Confidence {
				t.Errorf("changed: %+v", c)
			}
		}, ""},
		{"all", Overrides{Resamples: 500, Seed: 7, Confidence: 0.9, AllowedPct: 12}, func(t *testing.T, c Config) {
			if c.Resamples != 500 || c.Seed != 7 || c.Confidence != 0.9 {
				t.Errorf("%+v", c)
			}
			for k, mc := range c.Metrics {
				if mc.Gate && mc.AllowedRegressionPct != 12 {
					t.Errorf("%s: allowed %g", k, mc.AllowedRegressionPct)
				}
			}
			if DefaultConfig().Metrics[results.MetricCircuitBuildP95].AllowedRegressionPct == 12 {
				t.Error("the defaults changed too")
			}
		}, ""},
		{"invalid confidence", Overrides{Confidence: 1.5}, nil, "config:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := tc.o.Apply(DefaultConfig())
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, c)
		})
	}
}
