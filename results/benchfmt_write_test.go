package results_test

import (
	"bytes"
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/internal/fixture"
	"github.com/perfgate/perfgate/results"
)

// everyKind is results of two interleaved A/B runs with a sample of
// every kind the suite records: circuit builds (sequential, concurrent,
// pooled), RSS, a leak's RSS by cycle, stream round trips, a ladder.
func everyKind(t *testing.T) *results.Results {
	t.Helper()
	r := fixture.Results(t, 1, 4, 5)
	r.Environment = results.Environment{OS: "linux", Arch: "amd64", CPUModel: "AMD EPYC 7B13 | 2 vCPU: shared", Cores: 2,
		GoVersion: "go1.26.8", TorVersion: "0.4.9.11", ClientName: "arti", ClientVersion: "1.4.0",
		ClientCommand: "arti proxy -c {dir}/arti.toml", Loopback: "shim", NetworkSettings: "Schedulers Vanilla",
		RunnerName: "GitHub Actions 2", RunnerOS: "Linux"}
	for i := range r.Runs {
		run := &r.Runs[i]
		run.Label = []string{"A", "B"}[i]
		lat := run.Find(results.BenchCircuitBuild).LatenciesS
		var leak []results.MemorySample
		for c := 1; c <= 6; c++ {
			leak = append(leak, results.MemorySample{Cycle: c, RSS: uint64(20*results.MiB + c*4096*(i+1))})
		}
		scaling := run.Find(results.BenchStreamScaling)
		scaling.Metrics = map[string]float64{"p95_bound": 0.8}
		run.Benchmarks = append(run.Benchmarks,
			results.Benchmark{Key: results.BenchCircuitBuildConcurrent, Success: true, LatenciesS: lat[:40]},
			results.Benchmark{Key: results.BenchCircuitBuildPool, Success: true, LatenciesS: []float64{1.7075e-05, 0.001113522, 3.2e-05}},
			results.Benchmark{Key: results.BenchMemoryLeaks, Success: true, Memory: leak},
			results.Benchmark{Key: results.BenchConcurrentStreams, Success: true, LatenciesS: lat[40:]},
			results.Benchmark{Key: results.BenchStreamMultiplexing, Success: true, LatenciesS: lat[10:30]})
	}
	return r
}

// exportedEnv is the part of an environment an export carries.
func exportedEnv(e results.Environment) [13]string {
	return [13]string{e.OS, e.Arch, e.CPUModel, strconv.Itoa(e.Cores), e.GoVersion, e.TorVersion, e.ClientName,
		e.ClientVersion, e.ClientCommand, e.Loopback, e.NetworkSettings, e.RunnerName, e.RunnerOS}
}

// exported are the metrics an export carries: all but those made of
// failure counts and operation rates.
func exported(m results.Metric) bool {
	return m.Key != "circuit_build_success_rate" && m.Key != "stream_throughput"
}

func TestBenchfmtRoundTrip(t *testing.T) {
	gotor, err := results.Load(filepath.Join("testdata", "gotor", "scaling-100-200-fail.txt"), "")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		r    *results.Results
	}{
		{"real networks (loopback-noise)", fixture.Results(t, 1, 1, 2, 3)},
		{"every kind of sample, A/B", everyKind(t)},
		{"go-tor's summary with failed levels", gotor},
	}
	if b, err := results.ReadBaseline(filepath.Join("..", "baselines", "default.json")); err == nil {
		cases = append(cases, struct {
			name string
			r    *results.Results
		}{"the committed baseline", &b.Results})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := results.WriteBenchfmt(&out, tc.r); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "export.txt")
			if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			back, err := results.Load(path, "")
			if err != nil {
				t.Fatal(err)
			}
			if back.Source != "gobench" || back.Suite != tc.r.Suite || len(back.Runs) != len(tc.r.Runs) {
				t.Fatalf("read back as %s results of suite %s with %d runs", back.Source, back.Suite, len(back.Runs))
			}
			if got, want := exportedEnv(back.Environment), exportedEnv(tc.r.Environment); got != want {
				t.Errorf("environment read back as\n%+v\nwant\n%+v", got, want)
			}
			for i := range back.Runs {
				if back.Runs[i].Label != tc.r.Runs[i].Label {
					t.Errorf("run %d: label %q, want %q", i, back.Runs[i].Label, tc.r.Runs[i].Label)
				}
			}
			for _, m := range results.Metrics {
				if !exported(m) {
					continue
				}
				a := runValues(tc.r, m)
				b := runValues(back, m)
				if len(a) != len(b) {
					t.Errorf("%s: %d runs read back as %d", m.Key, len(a), len(b))
					continue
				}
				for i := range a {
					if a[i] != b[i] {
						t.Errorf("%s: run %d is %g, read back as %g", m.Key, i, a[i], b[i])
					}
				}
				if m.Gates && len(a) == 0 {
					t.Errorf("%s: the gated metric is in neither", m.Key)
				}
			}
			rep, err := check.Compare(tc.r, back, check.DefaultConfig())
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range rep.Metrics {
				if m.Gated && (m.Change == nil || m.Change.Rel != 0) {
					t.Errorf("%s: the export compared with its source changes by %+v", m.Key, m.Change)
				}
			}
		})
	}
	t.Run("invalid results are refused", func(t *testing.T) {
		if err := results.WriteBenchfmt(&bytes.Buffer{}, &results.Results{Schema: results.SchemaResultsV1, Suite: results.SuiteName}); err == nil || !strings.Contains(err.Error(), "no runs") {
			t.Errorf("error %v", err)
		}
	})
}

// TestBenchstatReadsExport runs x/perf's benchstat (built from the module
// cache) on exports: it prints the circuit-build rows, one table per unit,
// and the change of a slower client.
func TestBenchstatReadsExport(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "benchstat")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "golang.org/x/perf/cmd/benchstat")
	build.Env = append(os.Environ(), "GOFLAGS=-mod=readonly")
	if out, err := build.CombinedOutput(); err != nil {
		t.Skipf("benchstat cannot be built here: %v: %s", err, strings.SplitN(string(out), "\n", 2)[0])
	}
	dir := t.TempDir()
	export := func(name string, r *results.Results) string {
		var b bytes.Buffer
		if err := results.WriteBenchfmt(&b, r); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	benchstat := func(args ...string) string {
		out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("benchstat %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	base := fixture.Results(t, 1, 1, 2, 3)
	basePath, slowPath := export("base.txt", base), export("slow.txt", fixture.Results(t, 1.6, 1, 2, 3))

	out := benchstat("-ignore", "run", basePath)
	for _, want := range []string{"sec/op", "rss-B", "streams", "ok-streams", "p95-sec", "StreamScaling/streams=100"} {
		if !strings.Contains(out, want) {
			t.Errorf("benchstat's output lacks %q:\n%s", want, out)
		}
	}
	row := regexp.MustCompile(`(?m)^CircuitBuild\s+([0-9.]+)m\b`).FindStringSubmatch(out)
	if row == nil {
		t.Fatalf("no CircuitBuild row in ms:\n%s", out)
	}
	got, _ := strconv.ParseFloat(row[1], 64)
	var lat []float64
	for _, run := range base.Runs {
		lat = append(lat, run.Find(results.BenchCircuitBuild).LatenciesS...)
	}
	if med := results.Quantile(results.SortedCopy(lat), 0.5) * 1e3; math.Abs(got-med) > 0.01*med {
		t.Errorf("benchstat's CircuitBuild median %g ms, the samples' %g ms", got, med)
	}

	out = benchstat("-ignore", "run", basePath, slowPath)
	if !regexp.MustCompile(`(?m)^CircuitBuild\s.*\+60\.00%`).MatchString(out) {
		t.Errorf("benchstat does not show CircuitBuild 60 %% slower:\n%s", out)
	}
}
