package check

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// go-tor's bin/benchmark prints a text summary (see the seed and
// ../shared/fixtures/go-tor-benchmark-all.txt). ParseGoTor maps its blocks
// to benchmarks:
//
//	"Circuit Build Performance"        → circuit_build (p50/p95/p99/max as printed; no raw samples)
//	"Circuit Build with Pool …"        → circuit_build_pool
//	"Memory Usage in Steady State"     → memory_usage; actual_mb (MiB of Go heap) → memory_steady_rss
//	"Memory Leak Detection"            → memory_leaks
//	"Concurrent Streams Performance"   → concurrent_streams; actual_streams → one stream level
//	"Stream Scaling (N streams)"       → stream_scaling, one level per block → stream_capacity
//	"Stream Multiplexing Performance"  → stream_multiplexing
//
// Additional metrics keep their names, with the suffix _s for durations
// and _bytes for sizes (FormatBytes' binary units). The whole summary is
// one run. Values are kept as printed; implausible ones are left out by
// Compare, and a gated one is an error.
var goTorBlocks = []struct{ prefix, key string }{
	{"Circuit Build with Pool", BenchCircuitBuildPool},
	{"Concurrent Circuit Build", BenchCircuitBuildConcurrent},
	{"Circuit Build Performance", BenchCircuitBuild},
	{"Memory Usage in Steady State", BenchMemoryUsage},
	{"Memory Leak Detection", BenchMemoryLeaks},
	{"Concurrent Streams Performance", BenchConcurrentStreams},
	{"Stream Scaling", BenchStreamScaling},
	{"Stream Multiplexing Performance", BenchStreamMultiplexing},
}

var (
	reScaling = regexp.MustCompile(`^Stream Scaling \((\d+) streams?\)`)
	reOps     = regexp.MustCompile(`^(\d+) \(([0-9.eE+-]+) ops/sec\)$`)
	reMemory  = regexp.MustCompile(`^(.+) in use, (.+) allocated$`)
	reVersion = regexp.MustCompile(`\bversion=(\S+)`)
	reRC      = regexp.MustCompile(`^rc=(-?\d+)$`)
)

// ParseGoTor reads the text summary of go-tor's bin/benchmark. Errors name
// the file and line.
func ParseGoTor(data []byte, name string) (*Results, error) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	r := &Results{Schema: SchemaResultsV1, Suite: "go-tor", Source: "gotor-summary",
		Environment: Environment{ClientName: "go-tor"}, Settings: Settings{Runs: 1}}
	run := Run{Index: 0}
	var cur *Benchmark
	var scalingLevel int
	inSummary, inExtra, done := false, false, false
	ln := 0
	flush := func() {
		if cur == nil {
			return
		}
		if scalingLevel > 0 {
			cur.Levels = []StreamLevel{{Streams: scalingLevel, OK: int(cur.TotalOperations), Pass: cur.Success}}
			if prev := findBench(&run, BenchStreamScaling); prev != nil {
				prev.Levels = append(prev.Levels, cur.Levels...)
				prev.TotalOperations += cur.TotalOperations
				prev.DurationS += cur.DurationS
				prev.Success = prev.Success && cur.Success
				cur, scalingLevel = nil, 0
				return
			}
			cur.Name = "Stream Scaling"
		}
		run.Benchmarks = append(run.Benchmarks, *cur)
		cur, scalingLevel = nil, 0
	}
	for sc.Scan() {
		ln++
		line := strings.TrimRight(sc.Text(), "\r")
		trim := strings.TrimSpace(line)
		if strings.HasPrefix(line, "time=") || strings.HasPrefix(line, "level=") {
			if m := reVersion.FindStringSubmatch(line); m != nil && r.Environment.ClientVersion == "" {
				r.Environment.ClientVersion = m[1]
			}
			continue
		}
		if m := reRC.FindStringSubmatch(trim); m != nil {
			if m[1] != "0" {
				run.Error = "bin/benchmark exited with status " + m[1]
			}
			continue
		}
		if trim == "BENCHMARK RESULTS SUMMARY" {
			inSummary = true
			continue
		}
		if !inSummary || done {
			continue
		}
		if strings.HasPrefix(trim, "FINAL RESULTS") || strings.HasPrefix(trim, "PERFORMANCE TARGETS") {
			flush()
			done = true
			continue
		}
		if trim == "" || strings.Trim(trim, "=") == "" {
			continue
		}
		if !strings.HasPrefix(line, " ") && !strings.HasPrefix(line, "\t") {
			flush()
			inExtra = false
			key := ""
			for _, bl := range goTorBlocks {
				if strings.HasPrefix(trim, bl.prefix) {
					key = bl.key
					break
				}
			}
			if key == "" {
				key = snake(trim)
			}
			if key == "" {
				key = fmt.Sprintf("block_line_%d", ln)
			}
			cur = &Benchmark{Key: key, Name: trim}
			if key == BenchStreamScaling {
				m := reScaling.FindStringSubmatch(trim)
				if m == nil {
					return nil, fmt.Errorf("%s:%d: stream scaling block without a stream count: %q", name, ln, trim)
				}
				n, err := strconv.Atoi(m[1])
				if err != nil || n <= 0 {
					return nil, fmt.Errorf("%s:%d: bad stream count %q", name, ln, m[1])
				}
				scalingLevel = n
			}
			continue
		}
		if cur == nil {
			return nil, fmt.Errorf("%s:%d: indented line outside a benchmark block", name, ln)
		}
		k, v, ok := strings.Cut(trim, ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		if inExtra && strings.HasPrefix(line, "    ") {
			if err := addGoTorMetric(cur, k, v); err != nil {
				return nil, fmt.Errorf("%s:%d: %s: %w", name, ln, k, err)
			}
			continue
		}
		inExtra = false
		if err := setGoTorField(cur, k, v); err != nil {
			return nil, fmt.Errorf("%s:%d: %s: %w", name, ln, k, err)
		}
		if k == "Additional Metrics" {
			inExtra = true
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, ln+1, err)
	}
	flush()
	if !inSummary || len(run.Benchmarks) == 0 {
		return nil, fmt.Errorf("%s: no benchmark blocks after BENCHMARK RESULTS SUMMARY", name)
	}
	goTorGated(&run, r)
	r.Runs = []Run{run}
	return r, nil
}

// goTorGated derives what the gated metrics read from go-tor's fields,
// and notes what is approximate or missing.
func goTorGated(run *Run, r *Results) {
	r.Notes = append(r.Notes, "go-tor's summary has no raw samples: one run, quantiles as printed.")
	if b := findBench(run, BenchMemoryUsage); b != nil {
		if mb, ok := b.Metrics["actual_mb"]; ok && !math.IsNaN(mb) {
			rss := mb * MiB
			if rss >= 0 && rss < math.MaxUint64/2 {
				b.Memory = []MemorySample{{RSS: uint64(rss)}}
			} else {
				b.Memory = []MemorySample{{RSS: math.MaxUint64}}
			}
			r.Notes = append(r.Notes, "memory_steady_rss from go-tor's actual_mb: the Go heap in use in MiB, not the process RSS.")
		}
	}
	if b := findBench(run, BenchConcurrentStreams); b != nil {
		if n, ok := b.Metrics["actual_streams"]; ok && n >= 0 && n <= 1e7 {
			b.Levels = []StreamLevel{{Streams: int(n), OK: int(n), Pass: b.Success}}
		}
	}
	for _, m := range Metrics {
		if !m.Gates {
			continue
		}
		if rm, err := extractRuns(&Results{Runs: []Run{*run}}, m, nil); err == nil && len(rm) == 0 {
			r.Notes = append(r.Notes, m.Key+" is missing from go-tor's summary.")
		}
	}
}

func setGoTorField(b *Benchmark, k, v string) error {
	switch k {
	case "Duration":
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("bad duration %q", v)
		}
		b.DurationS = d.Seconds()
	case "Operations":
		m := reOps.FindStringSubmatch(v)
		if m == nil {
			return fmt.Errorf("want \"N (X ops/sec)\", got %q", v)
		}
		n, err1 := strconv.ParseInt(m[1], 10, 64)
		f, err2 := strconv.ParseFloat(m[2], 64)
		if err1 != nil || err2 != nil {
			return fmt.Errorf("bad operations %q", v)
		}
		b.TotalOperations, b.OperationsPerSec = n, f
	case "Latency (p50/p95/p99/max)":
		parts := strings.Split(v, "/")
		if len(parts) != 4 {
			return fmt.Errorf("want four latencies, got %q", v)
		}
		var d [4]float64
		for i, p := range parts {
			x, err := time.ParseDuration(strings.TrimSpace(p))
			if err != nil {
				return fmt.Errorf("bad latency %q", strings.TrimSpace(p))
			}
			d[i] = x.Seconds()
		}
		b.P50S, b.P95S, b.P99S, b.MaxS = d[0], d[1], d[2], d[3]
	case "Memory":
		m := reMemory.FindStringSubmatch(v)
		if m == nil {
			return fmt.Errorf("want \"X in use, Y allocated\", got %q", v)
		}
		inUse, err1 := ParseQuantity(m[1])
		alloc, err2 := ParseQuantity(m[2])
		if err1 != nil || err2 != nil || inUse < 0 || alloc < 0 {
			return fmt.Errorf("bad memory sizes %q", v)
		}
		b.MemoryInUse, b.MemoryAllocated = clampU64(inUse), clampU64(alloc)
	case "Status":
		b.Success = strings.Contains(v, "PASS")
	case "Error":
		b.Error = v
	}
	return nil
}

func clampU64(f float64) uint64 {
	if f >= math.MaxUint64 {
		return math.MaxUint64
	}
	return uint64(f)
}

// addGoTorMetric reads one additional metric: a bool, a number, a Go
// duration (key_s) or a byte size (key_bytes).
func addGoTorMetric(b *Benchmark, k, v string) error {
	if b.Metrics == nil {
		b.Metrics = map[string]float64{}
	}
	k = snake(k)
	switch v {
	case "true":
		b.Metrics[k] = 1
		return nil
	case "false":
		b.Metrics[k] = 0
		return nil
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		b.Metrics[k] = f
		return nil
	}
	if d, err := time.ParseDuration(v); err == nil {
		b.Metrics[k+"_s"] = d.Seconds()
		return nil
	}
	if f, err := ParseQuantity(v); err == nil {
		b.Metrics[k+"_bytes"] = f
		return nil
	}
	return fmt.Errorf("unreadable value %q", v)
}
