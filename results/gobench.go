package results

import (
	"bytes"
	"fmt"
	"math"
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
//     BenchmarkConcurrentStreams: a level of that many concurrent streams,
//     one level per result line. Alone it is a level whose streams all
//     succeeded; the same line may say more (WriteBenchfmt writes them
//     all): "ok-streams" (the streams served), "p95-sec" (their p95
//     round trip), "pass" (1 or 0: the level's verdict) and
//     "p95-bound-sec" (the ladder's p95 bound). The capacity is
//     EstimateCapacity of the levels.
//   - on a line without "streams", the units "p50-sec", "p95-sec",
//     "p99-sec" and "max-sec" are a summary's printed quantiles (go-tor's),
//     read where a benchmark has no raw samples.
//
// A sample of memory_leaks' RSS names its open/close cycle in a
// sub-benchmark key: BenchmarkMemoryLeaks/cycle=N.
//
// All result lines form one run, unless a file configuration line
// "run: N" separates them: results under distinct values of "run" are
// distinct runs (fresh networks). The file configuration keys goos,
// goarch, cpu, cores, go-version, tor-version, client, client-version,
// client-command, loopback, network-settings, runner, runner-os and suite
// fill the environment, and
// label a run's A/B side. See testdata/gobench/example.txt.
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
		label   string
		benches map[string]*Benchmark
		order   []string
	}
	runs := map[string]*runAcc{}
	var runOrder []string
	env := Environment{}
	suite := ""
	for rd.Scan() {
		switch rec := rd.Result().(type) {
		case *benchfmt.SyntaxError:
			return nil, fmt.Errorf("%s:%d: %s", rec.FileName, rec.Line, rec.Msg)
		case *benchfmt.Result:
			_, line := rec.Pos()
			runKey := rec.GetConfig("run")
			ra := runs[runKey]
			if ra == nil {
				ra = &runAcc{benches: map[string]*Benchmark{}, label: rec.GetConfig("label")}
				runs[runKey] = ra
				runOrder = append(runOrder, runKey)
			}
			readGoBenchEnv(&env, rec)
			suite = orStr(suite, rec.GetConfig("suite"))
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
			if err := addGoBenchResult(b, rec); err != nil {
				return nil, fmt.Errorf("%s:%d: %s: %w", name, line, rec.Name, err)
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
	r := &Results{Schema: SchemaResultsV1, Suite: orStr(suite, SuiteName), Source: "gobench", Environment: env,
		Settings: Settings{Runs: len(runOrder)}}
	for i, k := range runOrder {
		ra := runs[k]
		run := Run{Index: i, Label: ra.label}
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

// readGoBenchEnv fills what env lacks from rec's file configuration.
func readGoBenchEnv(env *Environment, rec *benchfmt.Result) {
	for _, f := range []struct {
		key string
		to  *string
	}{
		{"goos", &env.OS}, {"goarch", &env.Arch}, {"cpu", &env.CPUModel}, {"go-version", &env.GoVersion},
		{"tor-version", &env.TorVersion}, {"client", &env.ClientName}, {"client-version", &env.ClientVersion},
		{"client-command", &env.ClientCommand}, {"loopback", &env.Loopback}, {"network-settings", &env.NetworkSettings},
		{"runner", &env.RunnerName}, {"runner-os", &env.RunnerOS},
	} {
		*f.to = orStr(*f.to, rec.GetConfig(f.key))
	}
	if n, err := strconv.Atoi(rec.GetConfig("cores")); err == nil && n > 0 && env.Cores == 0 {
		env.Cores = n
	}
}

// Units of a stream level's result line (see ParseGoBench).
const (
	unitLevelStreams = "streams"
	unitLevelOK      = "ok-streams"
	unitLevelP95     = "p95-sec"
	unitLevelPass    = "pass"
	unitLevelBound   = "p95-bound-sec"
	unitRSS          = "rss-B"
)

// addGoBenchResult adds the values of one result line to b: a stream
// level when the line has a unit "streams", samples otherwise.
func addGoBenchResult(b *Benchmark, rec *benchfmt.Result) error {
	cycle := 0
	_, parts := rec.Name.Parts()
	for _, p := range parts {
		if v, ok := bytes.CutPrefix(p, []byte("/cycle=")); ok {
			n, err := strconv.Atoi(string(v))
			if err != nil || n < 0 {
				return fmt.Errorf("bad cycle %q", v)
			}
			cycle = n
		}
	}
	var level *StreamLevel
	for _, v := range rec.Values {
		if v.Unit == unitLevelStreams {
			if !Plausible(UnitStreams, v.Value) || v.Value != math.Trunc(v.Value) {
				return fmt.Errorf("%g streams is not a plausible stream count", v.Value)
			}
			n := int(v.Value)
			level = &StreamLevel{Streams: n, OK: n, Pass: true}
		}
	}
	for _, v := range rec.Values {
		switch {
		case v.Unit == unitLevelStreams:
		case level != nil && v.Unit == unitLevelOK:
			if v.Value < 0 || v.Value > float64(level.Streams) || v.Value != math.Trunc(v.Value) {
				return fmt.Errorf("%g ok-streams of a level of %d streams", v.Value, level.Streams)
			}
			level.OK = int(v.Value)
		case level != nil && v.Unit == unitLevelP95:
			if !Plausible(UnitSeconds, v.Value) {
				return fmt.Errorf("%g p95-sec is not a plausible latency", v.Value)
			}
			level.P95S = v.Value
		case level == nil && quantileField(b, v.Unit) != nil:
			// A summary's printed quantiles (WriteBenchfmt writes them for
			// benchmarks without raw samples).
			if !Plausible(UnitSeconds, v.Value) {
				return fmt.Errorf("%g %s is not a plausible latency", v.Value, v.Unit)
			}
			*quantileField(b, v.Unit) = v.Value
		case level != nil && v.Unit == unitLevelPass:
			if v.Value != 0 && v.Value != 1 {
				return fmt.Errorf("pass is %g, want 1 or 0", v.Value)
			}
			level.Pass = v.Value == 1
		case level != nil && v.Unit == unitLevelBound:
			if !Plausible(UnitSeconds, v.Value) || v.Value <= 0 {
				return fmt.Errorf("%g p95-bound-sec is not a plausible bound", v.Value)
			}
			if b.Metrics == nil {
				b.Metrics = map[string]float64{}
			}
			b.Metrics["p95_bound"] = v.Value
		default:
			if err := addGoBenchValue(b, v.Unit, v.Value, rec.Iters, cycle); err != nil {
				return err
			}
		}
	}
	if level != nil {
		level.Failed = level.Streams - level.OK
		b.Levels = append(b.Levels, *level)
	}
	return nil
}

// quantileField is the field of b that a quantile unit ("p50-sec",
// "p95-sec", "p99-sec", "max-sec") names, or nil.
func quantileField(b *Benchmark, unit string) *float64 {
	switch unit {
	case "p50-sec":
		return &b.P50S
	case unitLevelP95:
		return &b.P95S
	case "p99-sec":
		return &b.P99S
	case "max-sec":
		return &b.MaxS
	}
	return nil
}

func addGoBenchValue(b *Benchmark, unit string, v float64, iters, cycle int) error {
	switch unit {
	case "sec/op":
		if !Plausible(UnitSeconds, v) {
			return fmt.Errorf("%g sec/op is not a plausible latency", v)
		}
		b.LatenciesS = append(b.LatenciesS, v)
		b.DurationS += v * float64(iters)
	case unitRSS:
		if !Plausible(UnitBytes, v) {
			return fmt.Errorf("%g rss-B is not a plausible memory size", v)
		}
		b.Memory = append(b.Memory, MemorySample{RSS: uint64(v), Cycle: cycle})
	case "B/op":
		if Plausible(UnitBytes, v) {
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
