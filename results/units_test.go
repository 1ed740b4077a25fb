package results

import (
	"math"
	"testing"
)

func TestUnitOfExtra(t *testing.T) {
	for _, tc := range []struct{ key, want string }{
		{"throughput_bytes_per_s", UnitPerSecond},
		{"ops_per_s", UnitPerSecond},
		{"avg_latency_s", UnitSeconds},
		{"data_transferred_bytes", UnitBytes},
		{"success_ratio", UnitRatio},
		{"num_streams", ""},
	} {
		t.Run(tc.key, func(t *testing.T) {
			if got := UnitOfExtra(tc.key); got != tc.want {
				t.Errorf("UnitOfExtra(%q) = %q, want %q", tc.key, got, tc.want)
			}
		})
	}
	// A throughput of a megabyte per second is plausible, not a bug.
	if !Plausible(UnitOfExtra("throughput_bytes_per_s"), 1056745.1) {
		t.Error("1 MB/s throughput flagged as implausible")
	}
	// A fitted line's intercept or slope may be negative.
	for _, tc := range []struct {
		key  string
		v    float64
		want bool
	}{
		{"p95_fit_intercept_s", -0.973, true},
		{"p95_fit_slope_per_1000_streams_s", -0.2, true},
		{"avg_latency_s", -0.973, false},
		{"p95_fit_intercept_s", math.NaN(), false},
	} {
		if got := PlausibleExtra(tc.key, tc.v); got != tc.want {
			t.Errorf("PlausibleExtra(%q, %g) = %v, want %v", tc.key, tc.v, got, tc.want)
		}
	}
}
