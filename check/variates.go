package check

import (
	"math"
	"math/rand/v2"
)

// betaVariate draws from Beta(a, b) for a, b ≥ 1.
func betaVariate(rng *rand.Rand, a, b float64) float64 {
	x := gammaVariate(rng, a)
	y := gammaVariate(rng, b)
	return x / (x + y)
}

// gammaVariate draws from Gamma(a, 1) for a ≥ 1 (Marsaglia and Tsang).
func gammaVariate(rng *rand.Rand, a float64) float64 {
	d := a - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := rng.Float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v
		}
	}
}
