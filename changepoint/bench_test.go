package changepoint

import (
	"fmt"
	"testing"
)

// BenchmarkDetect times Detect with the default options on series with one
// 20 % step at two thirds (one full permutation test, then two that stop
// early) and on white noise (one test that stops early), CV 5 %.
func BenchmarkDetect(b *testing.B) {
	for _, n := range []int{100, 500} {
		for _, c := range []struct {
			name  string
			level func(int) float64
		}{
			{"step", steps([]int{2 * n / 3}, []float64{1.2})},
			{"noise", func(int) float64 { return 100 }},
		} {
			series := noisy(uint64(n), n, 0.05, c.level)
			b.Run(fmt.Sprintf("n=%d/%s", n, c.name), func(b *testing.B) {
				for b.Loop() {
					if _, err := Detect(series, nil, Options{}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
