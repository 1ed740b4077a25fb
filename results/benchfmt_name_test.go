package results

import "testing"

func TestBenchfmtName(t *testing.T) {
	for _, tc := range []struct{ key, want string }{
		{BenchCircuitBuild, "CircuitBuild"}, {BenchCircuitBuildPool, "CircuitBuildPool"},
		{BenchStreamScaling, "StreamScaling"}, {"custom|bench 2", "CustomBench2"}, {"@#!", "Unnamed"},
	} {
		t.Run(tc.key, func(t *testing.T) {
			if got := benchfmtName(tc.key); got != tc.want {
				t.Errorf("benchfmtName(%q) = %q, want %q", tc.key, got, tc.want)
			}
			if k, ok := goBenchNames[tc.want]; ok && k != tc.key {
				t.Errorf("%s reads back as %s", tc.want, k)
			}
		})
	}
}
