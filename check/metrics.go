package check

import (
	"fmt"
	"math"

	"golang.org/x/perf/benchmath"

	"github.com/perfgate/perfgate/results"
)

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
	b    *results.Benchmark
	kind string
}

// extractRuns collects a metric from every run of r. It returns the runs
// that have it, and an error describing the first implausible value.
// cache may be nil.
func extractRuns(r *results.Results, m results.Metric, cache sampleCache) ([]runMetric, error) {
	var out []runMetric
	for i := range r.Runs {
		run := &r.Runs[i]
		b := m.Find(run)
		if b == nil {
			continue
		}
		samples, v, ok := m.Extract(b)
		if !ok {
			continue
		}
		unit := m.Unit
		rm := runMetric{run: run.Index}
		if samples != nil {
			key := sampleKey{b, m.Kind}
			sorted, ok := cache[key]
			if !ok {
				for j, s := range samples {
					if !results.Plausible(unit, s) {
						return nil, fmt.Errorf("run %d, benchmark %s: sample %d is %s, not a plausible value in %s",
							run.Index, b.Key, j+1, fmtFloat(s), unit)
					}
				}
				sorted = results.SortedCopy(samples)
				if cache != nil {
					cache[key] = sorted
				}
			}
			rm.samples = sorted
			if m.Agg == results.PooledQuantile {
				rm.value = results.Quantile(rm.samples, m.Q)
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
			if !results.Plausible(unit, v) {
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

func fmtFloat(v float64) string { return fmt.Sprintf("%g", v) }
