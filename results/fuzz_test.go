package results_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/internal/fixture"
	"github.com/perfgate/perfgate/report"
	"github.com/perfgate/perfgate/results"
)

// Fuzz targets for every parser. Seeds: f.Add below plus the corpus in
// testdata/fuzz/<target>/. Run one with
//
//	go test -run '^$' -fuzz '^FuzzParseGoTor$' -fuzztime 30s ./check
//
// Each parser must return results that validate or a one-line error,
// never panic, and Compare must not panic on what a parser accepted.

func fuzzCompare(t *testing.T, r *results.Results) {
	if err := r.Validate(); err != nil {
		t.Fatalf("parser returned invalid results: %v", err)
	}
	cfg := check.DefaultConfig()
	cfg.Resamples = 100
	rep, err := check.Compare(r, r, cfg)
	if err != nil {
		return
	}
	var b strings.Builder
	if err := report.WriteMarkdown(&b, rep); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteTerminal(&b, rep, false); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteJSON(&b, rep); err != nil {
		t.Fatal(err)
	}
}

func FuzzParseJSON(f *testing.F) {
	f.Add([]byte(`{"schema":"perfgate/results/v1","suite":"perfgate","runs":[{"benchmarks":[{"key":"circuit_build","latencies_s":[0.06,0.07]}]}]}`))
	f.Add([]byte(`{"schema":"perfgate/baseline/v1","suite":"perfgate","results":{"schema":"perfgate/results/v1","suite":"perfgate","runs":[]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := results.Parse(data, "fuzz.json", results.FormatJSON)
		if err != nil {
			fixture.OneLine(t, err)
			return
		}
		fuzzCompare(t, r)
	})
}

func FuzzParseGoBench(f *testing.F) {
	fixture.AddFile(f, filepath.Join("testdata", "gobench", "example.txt"))
	f.Add([]byte("BenchmarkCircuitBuild-2 1 60000000 ns/op\nBenchmarkMemoryUsage 1 1 ns/op 100 rss-B\n"))
	// WriteBenchfmt's units: levels, printed quantiles, leak cycles, the environment.
	f.Add([]byte("goos: linux\ncores: 2\ntor-version: 0.4.9.11\nsuite: go-tor\nrun: 0\nlabel: A\n\n" +
		"BenchmarkCircuitBuild 1 0.5 p50-sec 1.09 p95-sec 1.1 p99-sec 1.2 max-sec\n" +
		"BenchmarkMemoryLeaks/cycle=3 1 2.1e+07 rss-B\n" +
		"BenchmarkStreamScaling/streams=200 1 200 streams 150 ok-streams 0.25 p95-sec 0 pass 0.8 p95-bound-sec\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := results.ParseGoBench(data, "fuzz.txt")
		if err != nil {
			fixture.OneLine(t, err)
			return
		}
		fuzzCompare(t, r)
	})
}

func FuzzParseGoTor(f *testing.F) {
	for _, name := range []string{"go-tor-benchmark-all.txt", "scaling-100-200-fail.txt", "concurrent-50-of-100.txt"} {
		fixture.AddFile(f, filepath.Join("testdata", "gotor", name))
	}
	f.Add([]byte("BENCHMARK RESULTS SUMMARY\nCircuit Build Performance\n  Latency (p50/p95/p99/max): 1s / 2s / 3s / 4s\n  Additional Metrics:\n    x: 16.0 EiB\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := results.ParseGoTor(data, "fuzz.txt")
		if err != nil {
			fixture.OneLine(t, err)
			return
		}
		fuzzCompare(t, r)
	})
}

func FuzzDetectAndLoad(f *testing.F) {
	fixture.AddFile(f, filepath.Join("testdata", "gobench", "example.txt"))
	f.Add([]byte("{}"))
	f.Add([]byte("BENCHMARK RESULTS SUMMARY\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := results.Parse(data, "fuzz", results.FormatAuto)
		if err != nil {
			fixture.OneLine(t, err)
			return
		}
		fuzzCompare(t, r)
	})
}

func FuzzParseQuantity(f *testing.F) {
	for _, s := range []string{"5s", "50MiB", "146.5 KiB", "1m44.978s", "12", "16.0 EiB", "-3ms"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = results.ParseQuantity(s)
	})
}
