package check

import "testing"

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
}
