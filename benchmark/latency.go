package benchmark

import (
	"math"
	"slices"
	"sync"
	"time"

	"github.com/perfgate/perfgate/results"
)

// A LatencyTracker collects operation latencies and computes their
// percentiles. It is safe for concurrent use.
type LatencyTracker struct {
	mu      sync.Mutex
	samples []time.Duration
}

// NewLatencyTracker returns a tracker with room for capacity samples (it
// grows beyond them when needed).
func NewLatencyTracker(capacity int) *LatencyTracker {
	if capacity < 0 {
		capacity = 0
	}
	return &LatencyTracker{samples: make([]time.Duration, 0, capacity)}
}

// Record adds one latency.
func (t *LatencyTracker) Record(d time.Duration) {
	t.mu.Lock()
	t.samples = append(t.samples, d)
	t.mu.Unlock()
}

// Count is the number of latencies recorded.
func (t *LatencyTracker) Count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.samples)
}

// Samples returns a copy of the latencies in the order they were recorded.
func (t *LatencyTracker) Samples() []time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.samples)
}

// Percentile returns the p-th quantile (p in [0,1]) of the latencies, by
// linear interpolation between closest ranks; 0 when there are none.
func (t *LatencyTracker) Percentile(p float64) time.Duration {
	return Percentile(t.Samples(), p)
}

// Max returns the largest latency, 0 when there are none.
func (t *LatencyTracker) Max() time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	var m time.Duration
	for _, d := range t.samples {
		m = max(m, d)
	}
	return m
}

// Mean returns the average latency, 0 when there are none.
func (t *LatencyTracker) Mean() time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.samples) == 0 {
		return 0
	}
	var sum time.Duration
	for _, d := range t.samples {
		sum += d
	}
	return sum / time.Duration(len(t.samples))
}

// Percentile returns the p-th quantile (p in [0,1]) of ds by
// results.Quantile, the one percentile definition of perfgate (linear
// interpolation between closest ranks), rounded to the nanosecond; 0 for
// no values. ds is not modified.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := make([]float64, len(ds))
	for i, d := range ds {
		s[i] = float64(d)
	}
	slices.Sort(s)
	return time.Duration(math.Round(results.Quantile(s, p)))
}

// percentileFloat is Percentile for float64 values.
func percentileFloat(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	return results.Quantile(results.SortedCopy(xs), p)
}
