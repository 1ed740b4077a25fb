package results

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
// the project's shared fixture go-tor-benchmark-all.txt, copied into testdata/). ParseGoTor maps its blocks
// to benchmarks:
//
//	"Circuit Build Performance"        → circuit_build (p50/p95/p99/max as printed; no raw samples)
//	"Circuit Build with Pool …"        → circuit_build_pool
//	"Memory Usage in Steady State"     → memory_usage; actual_mb (MiB of Go heap) → memory_steady_rss
//	"Memory Leak Detection"            → memory_leaks
//	"Concurrent Streams Performance"   → concurrent_streams; one stream level (below)
//	"Stream Scaling (N streams)"       → stream_scaling, one level per block → stream_capacity
//	"Stream Multiplexing Performance"  → stream_multiplexing
//
// A level counts streams, not operations. A "Stream Scaling (N streams)"
// block is a level of N streams with the block's status: go-tor passes it
// when every stream did all its operations, so a passing level served N
// streams and a failing one Operations/ops_per_stream of them (N when
// ops_per_stream is missing; the status then decides alone, see
// EstimateCapacity). The "Concurrent Streams Performance" block is one
// more record of the ladder's level target_streams (the target of the
// PERFORMANCE TARGETS section, "Target: 100+ concurrent streams", when
// the block lacks it), of which actual_streams (or that section's
// "Actual: N streams handled successfully", the lower of the two) were
// served; it passes when its status passes and every target stream was
// served. A benchmark the PERFORMANCE TARGETS section marks "✗ FAIL"
// failed.
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
	// PERFORMANCE TARGETS: "✓ PASS: Name", "Target: 100+ …", "Actual: 50 streams …".
	reTargetHead  = regexp.MustCompile(`^(?:\S+\s+)?(PASS|FAIL):\s*(.+)$`)
	reTargetCount = regexp.MustCompile(`^(\d+)\+`)
	reActualCount = regexp.MustCompile(`^(\d+) streams?\b`)
)

// A goTorTarget is one entry of the PERFORMANCE TARGETS section.
type goTorTarget struct {
	pass           bool
	target, actual float64 // stream counts; -1 when not given
}

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
	targets := map[string]*goTorTarget{}
	var target *goTorTarget
	ln := 0
	flush := func() {
		if cur == nil {
			return
		}
		if scalingLevel > 0 {
			cur.Levels = []StreamLevel{scalingRecord(cur, scalingLevel)}
			if prev := run.Find(BenchStreamScaling); prev != nil {
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
		if !inSummary {
			continue
		}
		if strings.HasPrefix(trim, "FINAL RESULTS") || strings.HasPrefix(trim, "PERFORMANCE TARGETS") {
			flush()
			done = true
			continue
		}
		if done {
			target = readGoTorTarget(trim, targets, target)
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
	goTorGated(&run, r, targets)
	r.Runs = []Run{run}
	return r, nil
}

// scalingRecord is the level record of a "Stream Scaling (N streams)"
// block: N streams, all served when the block passed, else as many as its
// operations make whole streams of ops_per_stream.
func scalingRecord(b *Benchmark, n int) StreamLevel {
	l := StreamLevel{Streams: n, OK: n, Pass: b.Success}
	if per, ok := b.Metrics["ops_per_stream"]; !b.Success && ok && per >= 1 && b.TotalOperations >= 0 {
		l.OK = int(math.Min(float64(n), math.Floor(float64(b.TotalOperations)/per)))
	}
	l.Failed = n - l.OK
	return l
}

// readGoTorTarget reads one line of the PERFORMANCE TARGETS section into
// targets; cur is the entry the line's indented fields belong to.
func readGoTorTarget(line string, targets map[string]*goTorTarget, cur *goTorTarget) *goTorTarget {
	if m := reTargetHead.FindStringSubmatch(line); m != nil {
		t := &goTorTarget{pass: m[1] == "PASS", target: -1, actual: -1}
		targets[strings.TrimSpace(m[2])] = t
		return t
	}
	if cur == nil {
		return nil
	}
	k, v, ok := strings.Cut(line, ":")
	if !ok {
		return cur
	}
	v = strings.TrimSpace(v)
	count := func(re *regexp.Regexp) float64 {
		if m := re.FindStringSubmatch(v); m != nil {
			if n, err := strconv.Atoi(m[1]); err == nil && n <= 1e7 {
				return float64(n)
			}
		}
		return -1
	}
	switch k {
	case "Target":
		cur.target = count(reTargetCount)
	case "Actual":
		cur.actual = count(reActualCount)
	}
	return cur
}

// goTorGated derives what the gated metrics read from go-tor's fields and
// its PERFORMANCE TARGETS section, and notes what is approximate or
// missing.
func goTorGated(run *Run, r *Results, targets map[string]*goTorTarget) {
	for i := range run.Benchmarks {
		if t := targets[run.Benchmarks[i].Name]; t != nil && !t.pass {
			run.Benchmarks[i].Success = false
		}
	}
	r.Notes = append(r.Notes, "go-tor's summary has no raw samples: one run, quantiles as printed.")
	if b := run.Find(BenchMemoryUsage); b != nil {
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
	if b := run.Find(BenchConcurrentStreams); b != nil {
		if l, ok := concurrentRecord(b, targets[b.Name]); ok {
			b.Levels = []StreamLevel{l}
			if s := run.Find(BenchStreamScaling); s != nil {
				s.Levels = append(s.Levels, l)
			}
		}
	}
	for _, m := range Metrics {
		if !m.Gates {
			continue
		}
		if !m.Has(run) {
			r.Notes = append(r.Notes, m.Key+" is missing from go-tor's summary.")
		}
	}
}

// concurrentRecord is the level record of the "Concurrent Streams
// Performance" block: target_streams streams, actual_streams of them
// served (each also from the PERFORMANCE TARGETS entry t, which may be
// nil: the higher target, the lower actual). ok is false when the block
// names no stream count.
func concurrentRecord(b *Benchmark, t *goTorTarget) (StreamLevel, bool) {
	valid := func(v float64) bool { return v >= 0 && v <= 1e7 }
	target, actual := -1.0, -1.0
	if v, ok := b.Metrics["target_streams"]; ok && valid(v) {
		target = v
	}
	if v, ok := b.Metrics["actual_streams"]; ok && valid(v) {
		actual = v
	}
	if t != nil {
		target = math.Max(target, t.target)
		if t.actual >= 0 && (actual < 0 || t.actual < actual) {
			actual = t.actual
		}
	}
	switch {
	case actual < 0:
		return StreamLevel{}, false
	case target < 0:
		target = actual
	}
	n, ok := int(target), int(math.Min(actual, target))
	if n <= 0 {
		return StreamLevel{}, false
	}
	return StreamLevel{Streams: n, OK: ok, Failed: n - ok, Pass: b.Success && ok == n}, true
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
