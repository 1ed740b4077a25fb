package benchmark

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/perfgate/perfgate/results"
)

const rule = "================================================================================"

// PrintSummary writes the results summary and the targets evaluation in
// go-tor's format to the suite's output (standard output by default), as
// the seed's API has it: with no error to return, a failed write is an
// error in the suite's log.
func (s *Suite) PrintSummary() {
	if err := s.WriteSummary(s.out); err != nil {
		s.log.Error("writing the summary", "err", err)
	}
}

// WriteSummary writes the results summary and the targets evaluation in
// go-tor's format to w.
func (s *Suite) WriteSummary(w io.Writer) error {
	rs := s.Results()
	if err := WriteResultsSummary(w, rs); err != nil {
		return err
	}
	run := results.Run{}
	for _, r := range rs {
		run.Benchmarks = append(run.Benchmarks, r.Benchmark())
	}
	return WriteTargets(w, EvaluateTargets(&results.Results{Runs: []results.Run{run}}, s.cfg))
}

// WriteResultsSummary writes go-tor's "BENCHMARK RESULTS SUMMARY" and
// "FINAL RESULTS" blocks for rs.
func WriteResultsSummary(w io.Writer, rs []Result) error {
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s\nBENCHMARK RESULTS SUMMARY\n%s\n", rule, rule)
	passed := 0
	for _, r := range rs {
		if len(r.Levels) > 0 {
			writeLevels(&b, r)
		} else {
			writeResult(&b, r)
		}
		if r.Success {
			passed++
		}
	}
	fmt.Fprintf(&b, "\n%s\n\n%s\nFINAL RESULTS: %d PASSED, %d FAILED (out of %d total)\n%s\n",
		rule, rule, passed, len(rs)-passed, len(rs), rule)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeResult writes one result as a go-tor block.
func writeResult(b *strings.Builder, r Result) {
	fmt.Fprintf(b, "\n%s\n", r.Name)
	fmt.Fprintf(b, "  Duration: %v\n", r.Duration)
	fmt.Fprintf(b, "  Operations: %d (%.2f ops/sec)\n", r.TotalOperations, r.OperationsPerSec)
	if r.P50Latency > 0 || r.MaxLatency > 0 {
		fmt.Fprintf(b, "  Latency (p50/p95/p99/max): %v / %v / %v / %v\n", r.P50Latency, r.P95Latency, r.P99Latency, r.MaxLatency)
	}
	fmt.Fprintf(b, "  Memory: %s in use, %s allocated\n", FormatBytes(r.MemoryInUse), FormatBytes(r.MemoryAllocated))
	writeTail(b, r.Success, r.Failures, r.FailureReasons, r.Error, r.AdditionalMetrics)
}

// writeTail writes a block's failures, status, error and metrics.
func writeTail(b *strings.Builder, success bool, failures int, reasonsByName map[string]int, err error, metrics map[string]interface{}) {
	if failures > 0 {
		fmt.Fprintf(b, "  Failures: %d (%s)\n", failures, reasons(reasonsByName))
	}
	if success {
		b.WriteString("  Status: ✓ PASS\n")
	} else {
		b.WriteString("  Status: ✗ FAIL\n")
	}
	if err != nil {
		fmt.Fprintf(b, "  Error: %s\n", oneLine(err.Error()))
	}
	if len(metrics) > 0 {
		b.WriteString("  Additional Metrics:\n")
		keys := make([]string, 0, len(metrics))
		for k := range metrics {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(b, "    %s: %s\n", k, formatMetric(k, metrics[k]))
		}
	}
}

// writeLevels writes a stream ladder as go-tor does, one "Stream Scaling
// (N streams)" block per level, then a "Stream Capacity" block with the
// ladder's outcome.
func writeLevels(b *strings.Builder, r Result) {
	for _, lv := range r.Levels {
		fmt.Fprintf(b, "\n%s (%d streams)\n", r.Name, lv.Streams)
		wall := time.Duration(lv.WallS * float64(time.Second))
		fmt.Fprintf(b, "  Duration: %v\n", wall)
		ops := 0.0
		if lv.WallS > 0 {
			ops = float64(lv.OK) / lv.WallS
		}
		fmt.Fprintf(b, "  Operations: %d (%.2f ops/sec)\n", lv.OK, ops)
		fmt.Fprintf(b, "  Latency (p50/p95/max): %v / %v / %v\n", secs(lv.P50S), secs(lv.P95S), secs(lv.MaxS))
		failures := 0
		for _, n := range lv.Errors {
			failures += n
		}
		writeTail(b, lv.Pass, failures, lv.Errors, nil, map[string]interface{}{
			"num_streams": lv.Streams, "ok": lv.OK, "failed": lv.Failed,
			"throughput_bytes_per_s": lv.ThroughputBytesPerS,
		})
	}
	fmt.Fprintf(b, "\nStream Capacity\n")
	fmt.Fprintf(b, "  Duration: %v\n", r.Duration)
	fmt.Fprintf(b, "  Operations: %d (%.2f ops/sec)\n", r.TotalOperations, r.OperationsPerSec)
	fmt.Fprintf(b, "  Ladder: %d levels, stopped: %s\n", len(r.Levels), r.StopReason)
	fmt.Fprintf(b, "  Memory: %s in use, %s allocated\n", FormatBytes(r.MemoryInUse), FormatBytes(r.MemoryAllocated))
	writeTail(b, r.Success, r.Failures, r.FailureReasons, r.Error, r.AdditionalMetrics)
}

func secs(s float64) time.Duration {
	return round(time.Duration(s * float64(time.Second)))
}

func reasons(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s: %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

// A Target is the evaluation of one of the seed's targets.
type Target struct {
	Name   string
	Target string // "" when the target has no figure (leak detection)
	Actual string
	Pass   bool
}

// EvaluateTargets evaluates the seed's targets on results of one or more
// runs: circuit build p95 (of the sequential builds of all runs pooled)
// under the target, steady-state memory (median of the runs' median RSS)
// under the target, no leak flagged, and concurrent streams (every stream
// of the concurrent-streams benchmark, and the median stream capacity, at
// least the target). A benchmark that did not run is not evaluated.
func EvaluateTargets(res *results.Results, cfg Config) []Target {
	cfg = cfg.withDefaults()
	var circ []time.Duration
	var circRan, circFailed bool
	var mem []float64
	var memRan bool
	var leakRan, leakFlagged bool
	var conc, caps []float64
	var concRan, streamFail bool
	for _, run := range res.Runs {
		for _, b := range run.Benchmarks {
			switch b.Key {
			case results.BenchCircuitBuild:
				circRan = true
				circFailed = circFailed || b.Failures > 0 || b.Error != ""
				for _, s := range b.LatenciesS {
					circ = append(circ, time.Duration(s*float64(time.Second)))
				}
			case results.BenchMemoryUsage:
				memRan = true
				var rss []float64
				for _, m := range b.Memory {
					rss = append(rss, float64(m.RSS))
				}
				if len(rss) > 0 {
					mem = append(mem, percentileFloat(rss, 0.5))
				}
			case results.BenchMemoryLeaks:
				leakRan = true
				leakFlagged = leakFlagged || b.Metrics["leak_flagged"] == 1 || b.Error != ""
			case results.BenchConcurrentStreams:
				concRan = true
				conc = append(conc, b.Metrics["actual_streams"])
				streamFail = streamFail || b.Failures > 0 || b.Error != ""
			case results.BenchStreamScaling:
				concRan = true
				caps = append(caps, b.Metrics["stream_capacity"])
				streamFail = streamFail || b.Error != ""
			}
		}
	}
	var ts []Target
	if circRan {
		p95 := Percentile(circ, 0.95)
		t := Target{Name: "Circuit Build Performance", Target: fmt.Sprintf("p95 < %v", cfg.TargetCircuitP95),
			Actual: fmt.Sprintf("p95 = %v", p95), Pass: len(circ) > 0 && p95 < cfg.TargetCircuitP95}
		if circFailed {
			t.Actual += " (some builds failed)"
			t.Pass = false
		}
		ts = append(ts, t)
	}
	if memRan {
		m := percentileFloat(mem, 0.5)
		ts = append(ts, Target{Name: "Memory Usage in Steady State",
			Target: fmt.Sprintf("< %d MB", cfg.TargetMemory>>20),
			Actual: fmt.Sprintf("%.1f MB", m/(1<<20)), Pass: len(mem) > 0 && uint64(m) < cfg.TargetMemory})
	}
	if leakRan {
		ts = append(ts, Target{Name: "Memory Leak Detection", Pass: !leakFlagged})
	}
	if concRan {
		minConc := slices.Min(append(conc, 1e18))
		capacity := percentileFloat(caps, 0.5)
		t := Target{Name: "Concurrent Streams Performance", Target: fmt.Sprintf("%d+ concurrent streams", cfg.TargetStreams)}
		var parts []string
		pass := !streamFail
		if len(conc) > 0 {
			parts = append(parts, fmt.Sprintf("%.0f streams handled successfully", minConc))
			pass = pass && minConc >= float64(cfg.TargetStreams)
		}
		if len(caps) > 0 {
			parts = append(parts, fmt.Sprintf("stream capacity %.0f", capacity))
			pass = pass && capacity >= float64(cfg.TargetStreams)
		}
		t.Actual = strings.Join(parts, "; ")
		t.Pass = pass
		ts = append(ts, t)
	}
	return ts
}

// WriteTargets writes go-tor's "PERFORMANCE TARGETS EVALUATION" block.
func WriteTargets(w io.Writer, ts []Target) error {
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s\nPERFORMANCE TARGETS EVALUATION\n%s\n", rule, rule)
	for _, t := range ts {
		mark := "✓ PASS"
		if !t.Pass {
			mark = "✗ FAIL"
		}
		fmt.Fprintf(&b, "%s: %s\n", mark, t.Name)
		if t.Target != "" {
			fmt.Fprintf(&b, "  Target: %s\n  Actual: %s\n", t.Target, t.Actual)
		}
	}
	b.WriteString(rule + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// TargetsMet reports whether every target passed.
func TargetsMet(ts []Target) bool {
	for _, t := range ts {
		if !t.Pass {
			return false
		}
	}
	return true
}
