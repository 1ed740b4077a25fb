package report

import (
	"testing"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/results"
)

// TestFormatting checks the value and the signed-change renderings.
func TestFormatting(t *testing.T) {
	for _, tc := range []struct {
		f    func(float64, string) string
		v    float64
		unit string
		want string
	}{
		{check.FormatValue, 1146.981515368811, results.UnitStreams, "1147"},
		{check.FormatValue, 1000, results.UnitStreams, "1000"},
		{check.FormatValue, 0.0268, results.UnitSeconds, "26.8 ms"},
		{check.FormatValue, 14 << 20, results.UnitBytes, "14 MiB"},
		{signedDiff, -190 * 1024, results.UnitBytesPerStep, "−190 KiB/cycle"},
		{signedDiff, 0.005, results.UnitSeconds, "+5 ms"},
		{signedDiff, 0, results.UnitStreams, "0"},
	} {
		if got := tc.f(tc.v, tc.unit); got != tc.want {
			t.Errorf("%g %s: %q, want %q", tc.v, tc.unit, got, tc.want)
		}
	}
}
