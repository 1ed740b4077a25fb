package report

import (
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/results"
)

// fullResults makes a results file of runs runs with n samples per metric
// (split over the runs): every latency benchmark, the memory samples, the
// leak cycles and a stream ladder.
func fullResults(runs, n int, scale float64, seed uint64) *results.Results {
	rng := rand.New(rand.NewPCG(seed, 7))
	r := &results.Results{Schema: results.SchemaResultsV1, Suite: results.SuiteName, Source: "perfgate", Settings: results.Settings{Runs: runs}}
	per := n / runs
	lat := func(base float64) []float64 {
		s := make([]float64, per)
		for i := range s {
			s[i] = (base + rng.ExpFloat64()*base/10) * scale
		}
		return s
	}
	for i := range runs {
		mem := make([]results.MemorySample, per)
		leak := make([]results.MemorySample, per)
		for j := range mem {
			mem[j] = results.MemorySample{AtS: float64(j), RSS: uint64(19e6 + rng.NormFloat64()*2e5)}
			leak[j] = results.MemorySample{Cycle: j, RSS: uint64(20e6 + float64(j)*10 + rng.NormFloat64()*1e5)}
		}
		var levels []results.StreamLevel
		for l := 100; l <= 1000; l += 100 {
			levels = append(levels, results.StreamLevel{Streams: l, OK: l, Pass: true, P95S: 0.4})
		}
		r.Runs = append(r.Runs, results.Run{Index: i, Benchmarks: []results.Benchmark{
			{Key: results.BenchCircuitBuild, Name: "Circuit Build", Success: true, LatenciesS: lat(0.06)},
			{Key: results.BenchCircuitBuildConcurrent, Name: "Concurrent Circuit Build", Success: true, LatenciesS: lat(0.11)},
			{Key: results.BenchCircuitBuildPool, Name: "Circuit Build with Pool", Success: true, LatenciesS: lat(0.001)},
			{Key: results.BenchMemoryUsage, Name: "Memory Usage", Success: true, Memory: mem},
			{Key: results.BenchMemoryLeaks, Name: "Memory Leaks", Success: true, Memory: leak},
			{Key: results.BenchConcurrentStreams, Name: "Concurrent Streams", Success: true, LatenciesS: lat(0.2), OperationsPerSec: 2500},
			{Key: results.BenchStreamScaling, Name: "Stream Scaling", Success: true, Levels: levels},
			{Key: results.BenchStreamMultiplexing, Name: "Stream Multiplexing", Success: true, LatenciesS: lat(0.05)},
		}})
	}
	return r
}

// BenchmarkCompareRender compares and renders (markdown, terminal, JSON)
// a full result set with 10 000 samples per metric on each side, default
// config (2000 resamples): with three runs per side, and with one, where
// the samples within the run are resampled.
func BenchmarkCompareRender(b *testing.B) {
	for _, runs := range []int{3, 1} {
		b.Run(fmt.Sprintf("runs=%d", runs), func(b *testing.B) {
			base := fullResults(runs, 10000, 1, 1)
			cur := fullResults(runs, 10000, 1.05, 2)
			cfg := check.DefaultConfig()
			b.ReportAllocs()
			for b.Loop() {
				rep, err := check.Compare(base, cur, cfg)
				if err != nil {
					b.Fatal(err)
				}
				if err := WriteMarkdown(io.Discard, rep); err != nil {
					b.Fatal(err)
				}
				if err := WriteTerminal(io.Discard, rep, false); err != nil {
					b.Fatal(err)
				}
				if err := WriteJSON(io.Discard, rep); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
