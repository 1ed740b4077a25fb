package changepoint

import "math"

// scratch holds the buffers of one evaluation of q̂, reused between calls.
type scratch struct {
	within  []float64 // within[t] = W(t, end): the sum of |z_i - z_j| over t ≤ i < j < end
	prefix  []float64 // prefix[e] = W(0, e)
	shuffle []float64 // the permuted copy of the series
	inv     []float64 // inv[i] = 1/(i-1) for i ≥ 2
}

func newScratch(n int) *scratch {
	s := &scratch{
		within:  make([]float64, n+1),
		prefix:  make([]float64, n+1),
		shuffle: make([]float64, n),
		inv:     make([]float64, n+1),
	}
	for i := 2; i <= n; i++ {
		s.inv[i] = 1 / float64(i-1)
	}
	return s
}

// best returns the largest energy divergence q̂ between z[0:τ] and z[τ:κ]
// over all τ ≥ minSize, κ-τ ≥ minSize, κ ≤ len(z), and the τ at which it
// is reached (the first such τ on ties). It returns τ = -1 when z is
// shorter than 2*minSize (minSize ≥ 2).
//
// With W(a, b) = Σ_{a≤i<j<b} |z_i - z_j|, the sum of the distances between
// X = z[0:τ] and Y = z[τ:κ] is W(0, κ) - W(0, τ) - W(τ, κ). The loop grows
// κ one point at a time and keeps W(t, κ) for every t, adding the new
// point's distances as a running suffix sum: O(len(z)²) in all.
func (s *scratch) best(z []float64, minSize int) (float64, int) {
	n := len(z)
	if n < 2*minSize {
		return math.Inf(-1), -1
	}
	within := s.within[:n]
	prefix := s.prefix[:n+1]
	inv := s.inv[:n+1]
	clear(within)
	prefix[0], prefix[1] = 0, 0

	bestQ, bestTau := math.Inf(-1), -1
	for k := 1; k < n; k++ {
		end := k + 1 // the segments are z[0:t] and z[t:end]
		zk := z[k]
		acc := 0.0
		for t := k - 1; t >= 0; t-- {
			acc += math.Abs(z[t] - zk)
			within[t] += acc
		}
		prefix[end] = within[0]

		// q̂ = 2/end · (cross - ny·wx/(nx-1) - nx·wy/(ny-1)), nx = t, ny = end-t.
		total := prefix[end]
		scale := 2 / float64(end)
		for t := minSize; t <= end-minSize; t++ {
			ny := end - t
			wx, wy := prefix[t], within[t]
			cross := total - wx - wy
			q := scale * (cross - float64(ny)*wx*inv[t] - float64(t)*wy*inv[ny])
			if q > bestQ {
				bestQ, bestTau = q, t
			}
		}
	}
	return bestQ, bestTau
}
