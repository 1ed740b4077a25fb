package benchmark

import (
	"fmt"
	"maps"
	"time"

	"github.com/perfgate/perfgate/results"
)

// A Result is the outcome of one benchmark: the fields of go-tor's Result,
// plus every raw sample and every failure with its reason.
type Result struct {
	// Key is the stable key of the benchmark (results.BenchCircuitBuild, …).
	Key               string
	Name              string
	Duration          time.Duration
	MemoryAllocated   uint64
	MemoryInUse       uint64
	OperationsPerSec  float64
	TotalOperations   int64
	P50Latency        time.Duration
	P95Latency        time.Duration
	P99Latency        time.Duration
	MaxLatency        time.Duration
	Success           bool
	Error             error
	AdditionalMetrics map[string]interface{}

	// Latencies are the latencies of the successful operations, in the
	// order they completed.
	Latencies []time.Duration
	// Failures counts the failed operations; FailureReasons by reason.
	Failures       int
	FailureReasons map[string]int
	// Memory holds the client's memory samples.
	Memory []results.MemorySample
	// Levels holds every level of a stream ladder; StopReason says why
	// the ladder stopped climbing ("knee found", "time budget", …).
	Levels     []results.StreamLevel
	StopReason string
}

// setLatencies stores the samples and their percentiles.
func (r *Result) setLatencies(ls []time.Duration) {
	r.Latencies = ls
	r.P50Latency = Percentile(ls, 0.50)
	r.P95Latency = Percentile(ls, 0.95)
	r.P99Latency = Percentile(ls, 0.99)
	r.MaxLatency = Percentile(ls, 1)
}

// metric sets one additional metric.
func (r *Result) metric(key string, v interface{}) {
	if r.AdditionalMetrics == nil {
		r.AdditionalMetrics = map[string]interface{}{}
	}
	r.AdditionalMetrics[key] = v
}

// countFailure counts one failed operation under the reason of err.
func (r *Result) countFailure(err error) {
	r.Failures++
	if r.FailureReasons == nil {
		r.FailureReasons = map[string]int{}
	}
	r.FailureReasons[failureReason(err)]++
}

// Benchmark converts r to its record in a results file. Additional metrics
// that are numbers, durations (as seconds) or booleans (as 0 or 1) become
// Metrics; others are dropped.
func (r Result) Benchmark() results.Benchmark {
	b := results.Benchmark{
		Key:              r.Key,
		Name:             r.Name,
		DurationS:        r.Duration.Seconds(),
		TotalOperations:  r.TotalOperations,
		OperationsPerSec: r.OperationsPerSec,
		P50S:             r.P50Latency.Seconds(),
		P95S:             r.P95Latency.Seconds(),
		P99S:             r.P99Latency.Seconds(),
		MaxS:             r.MaxLatency.Seconds(),
		MemoryAllocated:  r.MemoryAllocated,
		MemoryInUse:      r.MemoryInUse,
		Success:          r.Success,
		Failures:         r.Failures,
		Memory:           r.Memory,
		Levels:           r.Levels,
	}
	if r.Error != nil {
		b.Error = r.Error.Error()
	}
	if len(r.FailureReasons) > 0 {
		b.FailureReasons = maps.Clone(r.FailureReasons)
	}
	if len(r.Latencies) > 0 {
		b.LatenciesS = make([]float64, len(r.Latencies))
		for i, d := range r.Latencies {
			b.LatenciesS[i] = d.Seconds()
		}
	}
	for k, v := range r.AdditionalMetrics {
		f, ok := metricValue(v)
		if !ok {
			continue
		}
		if b.Metrics == nil {
			b.Metrics = map[string]float64{}
		}
		b.Metrics[k] = f
	}
	return b
}

// metricValue converts an additional metric to a number.
func metricValue(v interface{}) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint64:
		return float64(x), true
	case time.Duration:
		return x.Seconds(), true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// formatMetric renders an additional metric for the summary.
func formatMetric(key string, v interface{}) string {
	switch x := v.(type) {
	case float64:
		if len(key) > 6 && key[len(key)-6:] == "_bytes" {
			return FormatBytes(uint64(max(x, 0)))
		}
		return fmt.Sprintf("%.4g", x)
	case uint64:
		if len(key) > 6 && key[len(key)-6:] == "_bytes" {
			return FormatBytes(x)
		}
	}
	return fmt.Sprint(v)
}
