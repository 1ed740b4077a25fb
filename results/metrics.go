package results

import (
	"time"
)

// Gated metric keys. Their units, directions and default targets are
// fixed; see Metrics.
const (
	MetricCircuitBuildP95 = "circuit_build_p95"
	MetricMemorySteadyRSS = "memory_steady_rss"
	MetricStreamCapacity  = "stream_capacity"
)

// A Direction says which way a metric gets better.
type Direction string

// The two directions.
const (
	LowerIsBetter  Direction = "lower_is_better"
	HigherIsBetter Direction = "higher_is_better"
)

// An Aggregation says how a side's value is made from its runs.
type Aggregation int

// The two aggregations.
const (
	// PooledQuantile: the quantile of the samples pooled over the runs
	// (the median of the runs' values when a run has no samples).
	PooledQuantile Aggregation = iota
	// MedianOfRuns: the median of the runs' values; a run's value is the
	// median of its samples when it has samples.
	MedianOfRuns
)

// A Metric is one number perfgate computes from each run and compares.
type Metric struct {
	Key   string
	Label string
	Unit  string
	// Better is the direction of improvement.
	Better Direction
	// Bench is the key of the benchmark the metric comes from.
	Bench string
	// Gates tells whether the metric gates by default.
	Gates bool
	// Target is the default absolute target (0: none): an upper bound for
	// LowerIsBetter (value < Target), a lower bound for HigherIsBetter
	// (value ≥ Target).
	Target float64

	// Agg is how a side's value is made from its runs; Q is the quantile
	// of PooledQuantile.
	Agg Aggregation
	Q   float64
	// Kind names the raw samples extract returns ("lat", "rss"), so that
	// each benchmark's samples are sorted once per comparison.
	Kind string
	// extract returns a run's raw samples (nil if none) and, for runs
	// without samples, its value; ok is false when the run lacks the metric.
	extract func(b *Benchmark) (samples []float64, value float64, ok bool)
}

// Metrics lists every metric perfgate computes, the gated ones first.
// Only keys in this list may appear in a config.
var Metrics = []Metric{
	{Key: MetricCircuitBuildP95, Label: "Circuit build p95", Unit: UnitSeconds, Better: LowerIsBetter,
		Bench: BenchCircuitBuild, Gates: true, Target: 5, Agg: PooledQuantile, Q: 0.95, extract: latencyQ(0.95), Kind: "lat"},
	{Key: MetricMemorySteadyRSS, Label: "Steady-state RSS", Unit: UnitBytes, Better: LowerIsBetter,
		Bench: BenchMemoryUsage, Gates: true, Target: 50 * MiB, Agg: MedianOfRuns, extract: rssSamples, Kind: "rss"},
	{Key: MetricStreamCapacity, Label: "Stream capacity", Unit: UnitStreams, Better: HigherIsBetter,
		Bench: BenchStreamScaling, Gates: true, Target: 100, Agg: MedianOfRuns, extract: ladderCapacity},

	{Key: "circuit_build_p50", Label: "Circuit build p50", Unit: UnitSeconds, Better: LowerIsBetter,
		Bench: BenchCircuitBuild, Agg: PooledQuantile, Q: 0.50, extract: latencyQ(0.50), Kind: "lat"},
	{Key: "circuit_build_p99", Label: "Circuit build p99", Unit: UnitSeconds, Better: LowerIsBetter,
		Bench: BenchCircuitBuild, Agg: PooledQuantile, Q: 0.99, extract: latencyQ(0.99), Kind: "lat"},
	{Key: "circuit_build_max", Label: "Circuit build max", Unit: UnitSeconds, Better: LowerIsBetter,
		Bench: BenchCircuitBuild, Agg: PooledQuantile, Q: 1, extract: latencyQ(1), Kind: "lat"},
	{Key: "circuit_build_success_rate", Label: "Circuit build success rate", Unit: UnitRatio, Better: HigherIsBetter,
		Bench: BenchCircuitBuild, Agg: MedianOfRuns, extract: successRate},
	{Key: "circuit_build_concurrent_p95", Label: "Concurrent circuit build p95", Unit: UnitSeconds, Better: LowerIsBetter,
		Bench: BenchCircuitBuildConcurrent, Agg: PooledQuantile, Q: 0.95, extract: latencyQ(0.95), Kind: "lat"},
	{Key: "circuit_build_pool_p95", Label: "Pooled circuit p95", Unit: UnitSeconds, Better: LowerIsBetter,
		Bench: BenchCircuitBuildPool, Agg: PooledQuantile, Q: 0.95, extract: latencyQ(0.95), Kind: "lat"},
	{Key: "memory_leak_slope", Label: "Memory growth per cycle", Unit: UnitBytesPerStep, Better: LowerIsBetter,
		Bench: BenchMemoryLeaks, Agg: MedianOfRuns, extract: leakSlope},
	{Key: "stream_p95", Label: "Stream round trip p95", Unit: UnitSeconds, Better: LowerIsBetter,
		Bench: BenchConcurrentStreams, Agg: PooledQuantile, Q: 0.95, extract: latencyQ(0.95), Kind: "lat"},
	{Key: "stream_throughput", Label: "Stream throughput", Unit: UnitPerSecond, Better: HigherIsBetter,
		Bench: BenchConcurrentStreams, Agg: MedianOfRuns, extract: opsPerSec},
	{Key: "stream_multiplexing_p95", Label: "Multiplexed stream p95", Unit: UnitSeconds, Better: LowerIsBetter,
		Bench: BenchStreamMultiplexing, Agg: PooledQuantile, Q: 0.95, extract: latencyQ(0.95), Kind: "lat"},
}

// MetricByKey returns the metric with the key, and whether it exists.
func MetricByKey(key string) (Metric, bool) {
	for _, m := range Metrics {
		if m.Key == key {
			return m, true
		}
	}
	return Metric{}, false
}

func latencyQ(q float64) func(b *Benchmark) ([]float64, float64, bool) {
	return func(b *Benchmark) ([]float64, float64, bool) {
		if len(b.LatenciesS) > 0 {
			return b.LatenciesS, 0, true
		}
		// Summaries without raw samples (go-tor's text) carry the quantiles.
		var v float64
		switch q {
		case 0.5:
			v = b.P50S
		case 0.95:
			v = b.P95S
		case 0.99:
			v = b.P99S
		case 1:
			v = b.MaxS
		}
		if v == 0 {
			return nil, 0, false
		}
		return nil, v, true
	}
}

func rssSamples(b *Benchmark) ([]float64, float64, bool) {
	if len(b.Memory) == 0 {
		return nil, 0, false
	}
	s := make([]float64, len(b.Memory))
	for i, m := range b.Memory {
		s[i] = float64(m.RSS)
	}
	return s, 0, true
}

// ladderCapacity is the capacity EstimateCapacity finds in a stream
// ladder's levels, under the ladder's p95 bound (the benchmark's p95_bound
// metric, in seconds; 1 s when absent).
func ladderCapacity(b *Benchmark) ([]float64, float64, bool) {
	if len(b.Levels) == 0 {
		return nil, 0, false
	}
	bound := time.Second
	if v, ok := b.Metrics["p95_bound"]; ok && v > 0 && v < 3600 {
		bound = time.Duration(v * float64(time.Second))
	}
	return nil, EstimateCapacity(b.Levels, bound).Capacity, true
}

func successRate(b *Benchmark) ([]float64, float64, bool) {
	ok := len(b.LatenciesS)
	if ok == 0 && b.Failures == 0 {
		return nil, 0, false
	}
	return nil, float64(ok) / float64(ok+b.Failures), true
}

// leakSlope is the least-squares slope of RSS over the cycle number, by
// the suite's rule (benchmark.BenchmarkMemoryLeaks): the first cycle warms
// the allocator up and is left out when there are at least three samples.
func leakSlope(b *Benchmark) ([]float64, float64, bool) {
	first := 0
	for i, m := range b.Memory {
		if i == 0 || m.Cycle < first {
			first = m.Cycle
		}
	}
	var n, sx, sy, sxx, sxy float64
	for _, m := range b.Memory {
		if len(b.Memory) >= 3 && m.Cycle == first {
			continue
		}
		x, y := float64(m.Cycle), float64(m.RSS)
		n++
		sx += x
		sy += y
		sxx += x * x
		sxy += x * y
	}
	d := n*sxx - sx*sx
	if n < 2 || d == 0 {
		return nil, 0, false
	}
	return nil, (n*sxy - sx*sy) / d, true
}

func opsPerSec(b *Benchmark) ([]float64, float64, bool) {
	if b.OperationsPerSec <= 0 {
		return nil, 0, false
	}
	return nil, b.OperationsPerSec, true
}

// Extract returns the run's raw samples of m in b (nil if none) and, for
// runs without samples, its value; ok is false when b lacks the metric.
func (m Metric) Extract(b *Benchmark) (samples []float64, value float64, ok bool) {
	return m.extract(b)
}

// Find returns the benchmark of run that holds m (nil: none). Stream
// capacity falls back to the concurrent-streams benchmark's levels when
// the run has no ladder (go-tor's summary).
func (m Metric) Find(run *Run) *Benchmark {
	b := run.Find(m.Bench)
	if b == nil && m.Key == MetricStreamCapacity {
		b = run.Find(BenchConcurrentStreams)
		if b != nil && len(b.Levels) == 0 {
			b = nil
		}
	}
	return b
}

// Has reports whether the run holds m.
func (m Metric) Has(run *Run) bool {
	b := m.Find(run)
	if b == nil {
		return false
	}
	_, _, ok := m.extract(b)
	return ok
}

// Find returns the run's benchmark with the key (nil: none).
func (run *Run) Find(key string) *Benchmark {
	for i := range run.Benchmarks {
		if run.Benchmarks[i].Key == key {
			return &run.Benchmarks[i]
		}
	}
	return nil
}
