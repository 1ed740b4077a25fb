package changepoint

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// naiveQ is q̂(z[0:tau], z[tau:kappa]) straight from its definition.
func naiveQ(z []float64, tau, kappa int) float64 {
	x, y := z[:tau], z[tau:kappa]
	nx, ny := float64(len(x)), float64(len(y))
	var cross, wx, wy float64
	for _, a := range x {
		for _, b := range y {
			cross += math.Abs(a - b)
		}
	}
	for i := range x {
		for j := i + 1; j < len(x); j++ {
			wx += math.Abs(x[i] - x[j])
		}
	}
	for i := range y {
		for j := i + 1; j < len(y); j++ {
			wy += math.Abs(y[i] - y[j])
		}
	}
	e := 2*cross/(nx*ny) - wx/(nx*(nx-1)/2) - wy/(ny*(ny-1)/2)
	return nx * ny / (nx + ny) * e
}

// naiveBest maximises naiveQ in the order scratch.best visits (κ, then τ).
func naiveBest(z []float64, minSize int) (float64, int) {
	bestQ, bestTau := math.Inf(-1), -1
	for kappa := 2 * minSize; kappa <= len(z); kappa++ {
		for tau := minSize; tau <= kappa-minSize; tau++ {
			if q := naiveQ(z, tau, kappa); q > bestQ {
				bestQ, bestTau = q, tau
			}
		}
	}
	return bestQ, bestTau
}

func TestBestMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{3, 4, 5, 9, 10, 17, 40} {
		for _, minSize := range []int{2, 3, 5} {
			t.Run(fmt.Sprintf("n=%d/minSize=%d", n, minSize), func(t *testing.T) {
				z := make([]float64, n)
				for i := range z {
					z[i] = rng.NormFloat64()
					if i >= n/2 {
						z[i] += 0.7
					}
				}
				s := newScratch(n)
				gotQ, gotTau := s.best(z, minSize)
				wantQ, wantTau := naiveBest(z, minSize)
				if gotTau != wantTau {
					t.Fatalf("tau = %d, want %d", gotTau, wantTau)
				}
				if wantTau < 0 {
					return
				}
				if math.Abs(gotQ-wantQ) > 1e-9*math.Max(1, math.Abs(wantQ)) {
					t.Fatalf("q = %v, want %v", gotQ, wantQ)
				}
				// The buffers are reused: a second call on other data agrees too.
				for i := range z {
					z[i] = rng.ExpFloat64()
				}
				gotQ, gotTau = s.best(z, minSize)
				wantQ, wantTau = naiveBest(z, minSize)
				if gotTau != wantTau || math.Abs(gotQ-wantQ) > 1e-9*math.Max(1, math.Abs(wantQ)) {
					t.Fatalf("second call: (%v, %d), want (%v, %d)", gotQ, gotTau, wantQ, wantTau)
				}
			})
		}
	}
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{3, 1}, 2},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
	} {
		in := append([]float64(nil), c.in...)
		if got := median(in); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.in, got, c.want)
		}
		for i := range in {
			if in[i] != c.in[i] {
				t.Fatalf("median changed its input: %v", in)
			}
		}
	}
}
