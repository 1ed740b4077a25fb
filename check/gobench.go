package check

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/perf/benchfmt"
)

// Go benchmark format (go test -bench … -count N), read with
// golang.org/x/perf/benchfmt. Every repetition (result line) is one
// sample. A benchmark names the gated metrics like this:
//
//   - circuit_build_p95: BenchmarkCircuitBuild's sec/op (ns/op) values are
//     circuit-build latencies; the metric is their p95.
//   - memory_steady_rss: a unit "rss-B" (b.ReportMetric(rss, "rss-B"),
//     bytes) on BenchmarkMemoryUsage; "rss-MB" is read as 10⁶ bytes.
//   - stream_capacity: a unit "streams" on BenchmarkStreamScaling or
//     BenchmarkConcurrentStreams: the number of concurrent streams that all
//     succeeded; the capacity is the highest.
//
// All result lines form one run, unless a file configuration line
// "run: N" separates them: results under distinct values of "run" are
// distinct runs (fresh networks). See testdata/gobench/example.txt.
var goBenchNames = map[string]string{
	"CircuitBuild":           BenchCircuitBuild,
	"CircuitBuildConcurrent": BenchCircuitBuildConcurrent,
	"CircuitBuildWithPool":   BenchCircuitBuildPool,
	"CircuitBuildPool":       BenchCircuitBuildPool,
	"MemoryUsage":            BenchMemoryUsage,
	"MemoryLeaks":            BenchMemoryLeaks,
	"ConcurrentStreams":      BenchConcurrentStreams,
	"StreamScaling":          BenchStreamScaling,
	"StreamMultiplexing":     BenchStreamMultiplexing,
}

// ParseGoBench reads Go benchmark output. Errors name the file and line.
func ParseGoBench(data []byte, name string) (*Results, error) {
	rd := benchfmt.NewReader(bytes.NewReader(data), name)
	type runAcc struct {
		idx     int
		benches map[string]*Benchmark
		order   []string
	}
	runs := map[string]*runAcc{}
	var runOrder []string
	env := Environment{}
	for rd.Scan() {
		switch rec := rd.Result().(type) {
		case *benchfmt.SyntaxError:
			return nil, fmt.Errorf("%s:%d: %s", rec.FileName, rec.Line, rec.Msg)
		case *benchfmt.Result:
			_, line := rec.Pos()
			runKey := rec.GetConfig("run")
			ra := runs[runKey]
			if ra == nil {
				ra = &runAcc{benches: map[string]*Benchmark{}}
				runs[runKey] = ra
				runOrder = append(runOrder, runKey)
			}
			env.OS, env.Arch = orStr(env.OS, rec.GetConfig("goos")), orStr(env.Arch, rec.GetConfig("goarch"))
			env.CPUModel = orStr(env.CPUModel, rec.GetConfig("cpu"))
			// Sub-benchmarks (a ladder's levels) merge into their base.
			base := string(rec.Name.Base())
			key, ok := goBenchNames[base]
			if !ok {
				key = snake(base)
			}
			if key == "" {
				return nil, fmt.Errorf("%s:%d: a benchmark without a usable name", name, line)
			}
			b := ra.benches[key]
			if b == nil {
				b = &Benchmark{Key: key, Name: "Benchmark" + base, Success: true}
				ra.benches[key] = b
				ra.order = append(ra.order, key)
			}
			if rec.Iters < 0 {
				return nil, fmt.Errorf("%s:%d: negative iteration count", name, line)
			}
			b.TotalOperations += int64(rec.Iters)
			for _, v := range rec.Values {
				if err := addGoBenchValue(b, v.Unit, v.Value, rec.Iters); err != nil {
					return nil, fmt.Errorf("%s:%d: %s: %w", name, line, rec.Name, err)
				}
			}
		}
	}
	if err := rd.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(runOrder) == 0 {
		return nil, fmt.Errorf("%s: no benchmark results (lines starting with Benchmark)", name)
	}
	sort.SliceStable(runOrder, func(i, j int) bool { return numLess(runOrder[i], runOrder[j]) })
	r := &Results{Schema: SchemaResultsV1, Suite: SuiteName, Source: "gobench", Environment: env,
		Settings: Settings{Runs: len(runOrder)}}
	for i, k := range runOrder {
		ra := runs[k]
		run := Run{Index: i}
		for _, bk := range ra.order {
			b := ra.benches[bk]
			if b.DurationS > 0 {
				b.OperationsPerSec = float64(b.TotalOperations) / b.DurationS
			}
			run.Benchmarks = append(run.Benchmarks, *b)
		}
		r.Runs = append(r.Runs, run)
	}
	return r, nil
}

func addGoBenchValue(b *Benchmark, unit string, v float64, iters int) error {
	switch unit {
	case "sec/op":
		if !plausible(UnitSeconds, v) {
			return fmt.Errorf("%g sec/op is not a plausible latency", v)
		}
		b.LatenciesS = append(b.LatenciesS, v)
		b.DurationS += v * float64(iters)
	case "rss-B":
		if !plausible(UnitBytes, v) {
			return fmt.Errorf("%g rss-B is not a plausible memory size", v)
		}
		b.Memory = append(b.Memory, MemorySample{RSS: uint64(v)})
	case "streams":
		if !plausible(UnitStreams, v) || v != float64(int(v)) {
			return fmt.Errorf("%g streams is not a plausible stream count", v)
		}
		n := int(v)
		b.Levels = append(b.Levels, StreamLevel{Streams: n, OK: n, Pass: true})
	case "B/op":
		if plausible(UnitBytes, v) {
			b.MemoryAllocated = uint64(v)
		}
	default:
		if b.Metrics == nil {
			b.Metrics = map[string]float64{}
		}
		b.Metrics[unitKey(unit)] = v
	}
	return nil
}

// unitKey turns a benchmark unit into a metric key with perfgate's suffixes.
func unitKey(unit string) string {
	switch unit {
	case "B/s":
		return "bytes_per_s"
	case "allocs/op":
		return "allocs_per_op"
	}
	return snake(strings.ReplaceAll(unit, "/", "_per_"))
}

// snake lower-cases s and turns every run of other characters into "_".
func snake(s string) string {
	var b strings.Builder
	us := false
	for i, r := range s {
		switch {
		case unicode.IsUpper(r):
			if i > 0 && !us {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
			us = false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
			us = false
		default:
			if !us && b.Len() > 0 {
				b.WriteByte('_')
			}
			us = true
		}
	}
	return strings.Trim(b.String(), "_")
}

func orStr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func numLess(a, b string) bool {
	x, e1 := strconv.Atoi(a)
	y, e2 := strconv.Atoi(b)
	if e1 == nil && e2 == nil {
		return x < y
	}
	return a < b
}
