package results

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/perf/benchfmt"
)

// WriteBenchfmt writes r in the Go benchmark format, with x/perf's
// benchfmt.Writer, for benchstat and the other benchfmt tools. Each run is
// a block under its file configuration: the environment (goos, goarch,
// cpu, cores, go-version, tor-version, client, client-version,
// client-command, loopback, network-settings, runner, runner-os), the suite, run (the run's index)
// and label (an A/B run's side). Each sample is one result line of one
// iteration, named for its benchmark (circuit_build → BenchmarkCircuitBuild):
//
//   - a latency (circuit builds, stream round trips): "sec/op"; a
//     benchmark without raw latencies but with printed quantiles (go-tor's
//     summary) gets one line of "p50-sec", "p95-sec", "p99-sec" and
//     "max-sec";
//   - an RSS sample: "rss-B" (bytes); a leak cycle's sample is named
//     BenchmarkMemoryLeaks/cycle=N;
//   - a stream level: BenchmarkStreamScaling/streams=N with the units
//     "streams", "ok-streams" (served), "p95-sec", "pass" (1 or 0) and
//     "p95-bound-sec" (the ladder's bound, when the results record it).
//
// ParseGoBench reads all of it back, so that the gated metrics of the
// export are those of r. Not written: a run's or a benchmark's error,
// failure counts, the additional metrics, and the per-stream latencies of
// the stream ladder (its levels carry their p95).
func WriteBenchfmt(w io.Writer, r *Results) error {
	if err := r.Validate(); err != nil {
		return fmt.Errorf("benchfmt export: %w", err)
	}
	bw := benchfmt.NewWriter(w)
	write := func(cfg []benchfmt.Config, name string, vals ...benchfmt.Value) error {
		res := &benchfmt.Result{Config: cfg, Name: benchfmt.Name(name), Iters: 1, Values: vals}
		if err := bw.Write(res); err != nil {
			return fmt.Errorf("benchfmt export: %w", err)
		}
		return nil
	}
	env := benchfmtEnv(r)
	for _, run := range r.Runs {
		cfg := append(append([]benchfmt.Config(nil), env...), benchfmtConfig("run", strconv.Itoa(run.Index)))
		if l := configValue(run.Label); l != "" {
			cfg = append(cfg, benchfmtConfig("label", l))
		}
		for i := range run.Benchmarks {
			b := &run.Benchmarks[i]
			name := benchfmtName(b.Key)
			if b.Key != BenchStreamScaling {
				for _, v := range b.LatenciesS {
					if err := write(cfg, name, benchfmt.Value{Value: v, Unit: "sec/op"}); err != nil {
						return err
					}
				}
			}
			if q := printedQuantiles(b); len(b.LatenciesS) == 0 && len(q) > 0 {
				if err := write(cfg, name, q...); err != nil {
					return err
				}
			}
			cycles := false
			for _, m := range b.Memory {
				cycles = cycles || m.Cycle != 0
			}
			for _, m := range b.Memory {
				n := name
				if cycles {
					n += "/cycle=" + strconv.Itoa(m.Cycle)
				}
				if err := write(cfg, n, benchfmt.Value{Value: float64(m.RSS), Unit: unitRSS}); err != nil {
					return err
				}
			}
			bound, hasBound := b.Metrics["p95_bound"]
			for _, l := range b.Levels {
				pass := 0.0
				if l.Pass {
					pass = 1
				}
				vals := []benchfmt.Value{
					{Value: float64(l.Streams), Unit: unitLevelStreams},
					{Value: float64(l.OK), Unit: unitLevelOK},
					{Value: l.P95S, Unit: unitLevelP95},
					{Value: pass, Unit: unitLevelPass},
				}
				if hasBound && bound > 0 {
					vals = append(vals, benchfmt.Value{Value: bound, Unit: unitLevelBound})
				}
				if err := write(cfg, name+"/streams="+strconv.Itoa(l.Streams), vals...); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// printedQuantiles are the quantiles of a benchmark that a summary printed
// (p50-sec, p95-sec, p99-sec, max-sec), those it has.
func printedQuantiles(b *Benchmark) []benchfmt.Value {
	var q []benchfmt.Value
	for _, f := range []struct {
		v    float64
		unit string
	}{{b.P50S, "p50-sec"}, {b.P95S, unitLevelP95}, {b.P99S, "p99-sec"}, {b.MaxS, "max-sec"}} {
		if f.v != 0 {
			q = append(q, benchfmt.Value{Value: f.v, Unit: f.unit})
		}
	}
	return q
}

// benchfmtEnv is the file configuration of r's environment and suite.
func benchfmtEnv(r *Results) []benchfmt.Config {
	e := r.Environment
	cores := ""
	if e.Cores > 0 {
		cores = strconv.Itoa(e.Cores)
	}
	var cfg []benchfmt.Config
	for _, kv := range [][2]string{
		{"goos", e.OS}, {"goarch", e.Arch}, {"cpu", e.CPUModel}, {"cores", cores}, {"go-version", e.GoVersion},
		{"tor-version", e.TorVersion}, {"client", e.ClientName}, {"client-version", e.ClientVersion},
		{"client-command", e.ClientCommand}, {"loopback", e.Loopback}, {"network-settings", e.NetworkSettings},
		{"runner", e.RunnerName}, {"runner-os", e.RunnerOS}, {"suite", r.Suite},
	} {
		if v := configValue(kv[1]); v != "" {
			cfg = append(cfg, benchfmtConfig(kv[0], v))
		}
	}
	return cfg
}

func benchfmtConfig(key, value string) benchfmt.Config {
	return benchfmt.Config{Key: key, Value: []byte(value), File: true}
}

// configValue makes s a file configuration value: one line, without
// leading or trailing space (the reader trims them).
func configValue(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s))
}

// benchfmtName is a benchmark's name in the Go benchmark format: its key
// in CamelCase (circuit_build_pool → CircuitBuildPool), which
// ParseGoBench maps back to the key; characters other than letters and
// digits separate words.
func benchfmtName(key string) string {
	var b strings.Builder
	up := true
	for _, r := range key {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if up {
				r = unicode.ToUpper(r)
			}
			b.WriteRune(r)
			up = false
		default:
			up = true
		}
	}
	if b.Len() == 0 {
		return "Unnamed"
	}
	return b.String()
}
