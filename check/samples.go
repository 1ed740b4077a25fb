package check

import "github.com/perfgate/perfgate/results"

// Samples are the raw samples a report draws: the circuit-build latencies
// of each side, pooled over its runs, in seconds. They are kept out of the
// JSON verdict (raw samples belong in results files), so a report read
// back from a stored verdict has none.
type Samples struct {
	BaseLatencies, CurLatencies []float64
}

// newSamples pools the circuit-build latencies of both sides; baseline
// may be nil.
func newSamples(baseline, current *results.Results) *Samples {
	return &Samples{
		BaseLatencies: pooledLatencies(baseline, results.BenchCircuitBuild),
		CurLatencies:  pooledLatencies(current, results.BenchCircuitBuild),
	}
}

// pooledLatencies returns the latencies of the benchmark key over every run of r.
func pooledLatencies(r *results.Results, key string) []float64 {
	if r == nil {
		return nil
	}
	var out []float64
	for _, run := range r.Runs {
		for _, b := range run.Benchmarks {
			if b.Key == key {
				out = append(out, b.LatenciesS...)
			}
		}
	}
	return out
}
