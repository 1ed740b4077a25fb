package results

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"

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
