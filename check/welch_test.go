package check

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestWelchLogP(t *testing.T) {
	exps := func(xs ...float64) []float64 {
		out := make([]float64, len(xs))
		for i, x := range xs {
			out[i] = math.Exp(x)
		}
		return out
	}
	// Wikipedia's worked example of Welch's t-test (t = −2.46, ν = 24.98,
	// p = 0.021), given as e^x so that the logs are its values.
	a1 := exps(27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4)
	a2 := exps(27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4)
	for _, tt := range []struct {
		name   string
		a, b   []float64
		p      float64 // want, ±0.001; NaN: any
		wantOK bool
	}{
		{"worked example", a1, a2, 0.021, true},
		{"symmetric", a2, a1, 0.021, true},
		{"same values", []float64{1, 2, 3}, []float64{1, 2, 3}, 1, true},
		{"one run on a side", []float64{1}, []float64{1, 2}, math.NaN(), false},
		{"no variance on either side", []float64{5, 5}, []float64{6, 6}, math.NaN(), false},
		{"a zero value", []float64{0, 1}, []float64{1, 2}, math.NaN(), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, ok := welchLogP(tt.a, tt.b)
			if ok != tt.wantOK {
				t.Fatalf("ok = %v, want %v (p %g)", ok, tt.wantOK, p)
			}
			if !math.IsNaN(tt.p) && math.Abs(p-tt.p) > 0.001 {
				t.Errorf("p = %.4f, want %.3f", p, tt.p)
			}
		})
	}
}

// TestWelchLogCalibrated: on A/A draws of log-normal run values with 2, 3
// and 5 runs per side, Welch's test calls at most α = 5 % significant
// (within 1.5 points over 4000 seeded trials; with 2 and 3 runs it is
// conservative, 2–3 %), and not far fewer from 5 runs on.
func TestWelchLogCalibrated(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	draw := func(n int) []float64 {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = 0.02 * math.Exp(0.08*rng.NormFloat64())
		}
		return xs
	}
	for _, k := range []int{2, 3, 5} {
		const trials = 4000
		alarms := 0
		for range trials {
			if p, ok := welchLogP(draw(k), draw(k)); ok && p < 0.05 {
				alarms++
			}
		}
		lo := 0.035
		if k < 5 {
			lo = 0.01
		}
		if rate := float64(alarms) / trials; rate < lo || rate > 0.065 {
			t.Errorf("%d+%d runs: %.1f %% of A/A draws significant at α = 0.05", k, k, rate*100)
		}
	}
}
