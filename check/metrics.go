package check

import (
	"fmt"
	"math"
	"strings"
	"time"

	"golang.org/x/perf/benchmath"
)

// Gated metric keys. Their units, directions and default targets are
// fixed; see Metrics.
const (
	MetricCircuitBuildP95 = "circuit_build_p95"
	MetricMemorySteadyRSS = "memory_steady_rss"
	MetricStreamCapacity  = "stream_capacity"
)

// Units of metric values. Values are stored in base units; renderers pick
// human units (ms, MiB).
const (
	UnitSeconds      = "s"
	UnitBytes        = "bytes"
	UnitStreams      = "streams"
	UnitRatio        = "ratio"
	UnitBytesPerStep = "bytes/cycle"
	UnitPerSecond    = "ops/s"
)

// MiB is the "MB" of the seed's 50 MB target: go-tor divides bytes by
// 1024·1024 and calls the result MB.
const MiB = 1 << 20

// A Direction says which way a metric gets better.
type Direction string

// The two directions.
const (
	LowerIsBetter  Direction = "lower_is_better"
	HigherIsBetter Direction = "higher_is_better"
)

// aggregation says how a side's value is made from its runs.
type aggregation int

const (
	// pooledQuantile: the quantile of the samples pooled over the runs
	// (the median of the runs' values when a run has no samples).
	pooledQuantile aggregation = iota
	// medianOfRuns: the median of the runs' values; a run's value is the
	// median of its samples when it has samples.
	medianOfRuns
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

	agg aggregation
	q   float64
	// kind names the raw samples extract returns ("lat", "rss"), so that
	// each benchmark's samples are sorted once per comparison.
	kind string
	// extract returns a run's raw samples (nil if none) and, for runs
	// without samples, its value; ok is false when the run lacks the metric.
	extract func(b *Benchmark) (samples []float64, value float64, ok bool)
}

// Metrics lists every metric perfgate computes, the gated ones first.
// Only keys in this list may appear in a config.
var Metrics = []Metric{
	{Key: MetricCircuitBuildP95, Label: "Circuit build p95", Unit: UnitSeconds, Better: LowerIsBetter,
		Bench: BenchCircuitBuild, Gates: true, Target: 5, agg: pooledQuantile, q: 0.95, extract: latencyQ(0.95), kind: "lat"},
	{Key: MetricMemorySteadyRSS, Label: "Steady-state RSS", Unit: UnitBytes, Better: LowerIsBetter,
		Bench: BenchMemoryUsage, Gates: true, Target: 50 * MiB, agg: medianOfRuns, extract: rssSamples, kind: "rss"},
	{Key: MetricStreamCapacity, Label: "Stream capacity", Unit: UnitStreams, Better: HigherIsBetter,
		Bench: BenchStreamScaling, Gates: true, Target: 100, agg: medianOfRuns, extract: ladderCapacity},

	{Key: "circuit_build_p50", Label: "Circuit build p50", Unit: UnitSeconds, Better: LowerIsBetter,
		Bench: BenchCircuitBuild, agg: pooledQuantile, q: 0.50, extract: latencyQ(0.50), kind: "lat"},
	{Key: "circuit_build_p99", Label: "Circuit build p99", Unit: UnitSeconds, Better: LowerIsBetter,
		Bench: BenchCircuitBuild, agg: pooledQuantile, q: 0.99, extract: latencyQ(0.99), kind: "lat"},
	{Key: "circuit_build_max", Label: "Circuit build max", Unit: UnitSeconds, Better: LowerIsBetter,
		Bench: BenchCircuitBuild, agg: pooledQuantile, q: 1, extract: latencyQ(1), kind: "lat"},
	{Key: "circuit_build_success_rate", Label: "Circuit build success rate", Unit: UnitRatio, Better: HigherIsBetter,
		Bench: BenchCircuitBuild, agg: medianOfRuns, extract: successRate},
	{Key: "circuit_build_concurrent_p95", Label: "Concurrent circuit build p95", Unit: UnitSeconds, Better: LowerIsBetter,
		Bench: BenchCircuitBuildConcurrent, agg: pooledQuantile, q: 0.95, extract: latencyQ(0.95), kind: "lat"},
	{Key: "circuit_build_pool_p95", Label: "Pooled circuit p95", Unit: UnitSeconds, Better: LowerIsBetter,
		Bench: BenchCircuitBuildPool, agg: pooledQuantile, q: 0.95, extract: latencyQ(0.95), kind: "lat"},
	{Key: "memory_leak_slope", Label: "Memory growth per cycle", Unit: UnitBytesPerStep, Better: LowerIsBetter,
		Bench: BenchMemoryLeaks, agg: medianOfRuns, extract: leakSlope},
	{Key: "stream_p95", Label: "Stream round trip p95", Unit: UnitSeconds, Better: LowerIsBetter,
		Bench: BenchConcurrentStreams, agg: pooledQuantile, q: 0.95, extract: latencyQ(0.95), kind: "lat"},
	{Key: "stream_throughput", Label: "Stream throughput", Unit: UnitPerSecond, Better: HigherIsBetter,
		Bench: BenchConcurrentStreams, agg: medianOfRuns, extract: opsPerSec},
	{Key: "stream_multiplexing_p95", Label: "Multiplexed stream p95", Unit: UnitSeconds, Better: LowerIsBetter,
		Bench: BenchStreamMultiplexing, agg: pooledQuantile, q: 0.95, extract: latencyQ(0.95), kind: "lat"},
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

// plausible reports whether v is a believable value in unit: finite, not
// negative where that is meaningless, and below a bound no real run
// reaches (a day of latency, a PiB of memory). Values beyond it are
// measurement bugs, like go-tor's 16 EiB unsigned underflow.
func plausible(unit string, v float64) bool {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return false
	}
	switch unit {
	case UnitSeconds:
		return v >= 0 && v <= 86400
	case UnitBytes:
		return v >= 0 && v <= 1<<50
	case UnitStreams:
		return v >= 0 && v <= 1e7
	case UnitRatio:
		return v >= 0 && v <= 1
	case UnitBytesPerStep:
		return math.Abs(v) <= 1<<40
	case UnitPerSecond:
		return v >= 0 && v <= 1e12
	default:
		return math.Abs(v) <= 1e15
	}
}

// plausibleExtra is plausible for an additional metric: the coefficients of
// a fitted line (stream scaling's p95_fit_intercept_s, p95_fit_slope_…)
// are signed, so a negative one is no measurement bug.
func plausibleExtra(key string, v float64) bool {
	if strings.Contains(key, "_fit_") {
		return !math.IsNaN(v) && !math.IsInf(v, 0) && math.Abs(v) <= 1e15
	}
	return plausible(unitOfExtra(key), v)
}

// unitOfExtra guesses the unit of an additional metric from its key's suffix.
func unitOfExtra(key string) string {
	switch {
	case strings.HasSuffix(key, "_per_s"): // before "_s": a rate, not a duration
		return UnitPerSecond
	case strings.HasSuffix(key, "_s"):
		return UnitSeconds
	case strings.HasSuffix(key, "_bytes"):
		return UnitBytes
	case strings.HasSuffix(key, "_ratio"):
		return UnitRatio
	}
	return ""
}

// runMetric is one run's data for one metric.
type runMetric struct {
	run     int
	samples []float64 // sorted ascending; nil when the input had none
	value   float64   // the run's value
	// lo and hi bound the 95 % confidence interval of a run's median
	// (benchmath's summary); both are the value when unknown.
	lo, hi float64
}

// A sampleCache holds the sorted, validated raw samples of benchmarks, so
// that each is sorted once per comparison however many metrics read it.
type sampleCache map[sampleKey][]float64

type sampleKey struct {
	b    *Benchmark
	kind string
}

// extractRuns collects a metric from every run of r. It returns the runs
// that have it, and an error describing the first implausible value.
// cache may be nil.
func extractRuns(r *Results, m Metric, cache sampleCache) ([]runMetric, error) {
	var out []runMetric
	for i := range r.Runs {
		run := &r.Runs[i]
		b := findBench(run, m.Bench)
		if b == nil && m.Key == MetricStreamCapacity {
			b = findBench(run, BenchConcurrentStreams)
			if b != nil && len(b.Levels) == 0 {
				b = nil
			}
		}
		if b == nil {
			continue
		}
		samples, v, ok := m.extract(b)
		if !ok {
			continue
		}
		unit := m.Unit
		rm := runMetric{run: run.Index}
		if samples != nil {
			key := sampleKey{b, m.kind}
			sorted, ok := cache[key]
			if !ok {
				for j, s := range samples {
					if !plausible(unit, s) {
						return nil, fmt.Errorf("run %d, benchmark %s: sample %d is %s, not a plausible value in %s",
							run.Index, b.Key, j+1, fmtFloat(s), unit)
					}
				}
				sorted = sortedCopy(samples)
				if cache != nil {
					cache[key] = sorted
				}
			}
			rm.samples = sorted
			if m.agg == pooledQuantile {
				rm.value = Quantile(rm.samples, m.q)
			} else {
				// benchmath's summary of the run: the median and its
				// distribution-free confidence interval.
				th := benchmath.DefaultThresholds
				sum := benchmath.AssumeNothing.Summary(benchmath.NewSample(rm.samples, &th), 0.95)
				rm.value, rm.lo, rm.hi = sum.Center, sum.Lo, sum.Hi
				if !finiteAll(rm.lo, rm.hi) {
					// Too few samples for a 95 % interval.
					rm.lo, rm.hi = rm.value, rm.value
				}
			}
		} else {
			if !plausible(unit, v) {
				return nil, fmt.Errorf("run %d, benchmark %s: %s is %s, not a plausible value in %s",
					run.Index, b.Key, m.Key, fmtFloat(v), unit)
			}
			rm.value = v
		}
		if rm.lo == 0 && rm.hi == 0 {
			rm.lo, rm.hi = rm.value, rm.value
		}
		out = append(out, rm)
	}
	return out, nil
}

func finiteAll(v ...float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

func findBench(run *Run, key string) *Benchmark {
	for i := range run.Benchmarks {
		if run.Benchmarks[i].Key == key {
			return &run.Benchmarks[i]
		}
	}
	return nil
}

func fmtFloat(v float64) string { return fmt.Sprintf("%g", v) }
