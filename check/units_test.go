package check

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
			if got := unitOfExtra(tc.key); got != tc.want {
				t.Errorf("unitOfExtra(%q) = %q, want %q", tc.key, got, tc.want)
			}
		})
	}
	// A throughput of a megabyte per second is plausible, not a bug.
	if !plausible(unitOfExtra("throughput_bytes_per_s"), 1056745.1) {
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
		if got := plausibleExtra(tc.key, tc.v); got != tc.want {
			t.Errorf("plausibleExtra(%q, %g) = %v, want %v", tc.key, tc.v, got, tc.want)
		}
	}
}

// TestFormatting checks the value and the signed-change renderings.
func TestFormatting(t *testing.T) {
	for _, tc := range []struct {
		f    func(float64, string) string
		v    float64
		unit string
		want string
	}{
		{FormatValue, 1146.981515368811, UnitStreams, "1147"},
		{FormatValue, 1000, UnitStreams, "1000"},
		{FormatValue, 0.0268, UnitSeconds, "26.8 ms"},
		{FormatValue, 14 << 20, UnitBytes, "14 MiB"},
		{signedDiff, -190 * 1024, UnitBytesPerStep, "−190 KiB/cycle"},
		{signedDiff, 0.005, UnitSeconds, "+5 ms"},
		{signedDiff, 0, UnitStreams, "0"},
	} {
		if got := tc.f(tc.v, tc.unit); got != tc.want {
			t.Errorf("%g %s: %q, want %q", tc.v, tc.unit, got, tc.want)
		}
	}
}
