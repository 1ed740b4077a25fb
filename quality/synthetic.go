package quality

import (
	"sort"

	"github.com/perfgate/perfgate/results"
)

// synthetic returns copies of runs with a regression of size s written
// into their samples: circuit latencies ×(1+s), RSS samples ×(1+s), and
// every ladder level above (1−s)×the run's capacity failed.
func synthetic(runs []results.Run, kinds []string, s float64) []results.Run {
	out := make([]results.Run, len(runs))
	for i, r := range runs {
		r.Benchmarks = append([]results.Benchmark(nil), r.Benchmarks...)
		for j := range r.Benchmarks {
			b := &r.Benchmarks[j]
			for _, kind := range kinds {
				switch {
				case kind == KindCircuit && (b.Key == results.BenchCircuitBuild || b.Key == results.BenchCircuitBuildConcurrent):
					lat := make([]float64, len(b.LatenciesS))
					for x, v := range b.LatenciesS {
						lat[x] = v * (1 + s)
					}
					b.LatenciesS = lat
					b.P50S, b.P95S, b.P99S, b.MaxS = b.P50S*(1+s), b.P95S*(1+s), b.P99S*(1+s), b.MaxS*(1+s)
				case kind == KindMemory && b.Key == results.BenchMemoryUsage:
					mem := make([]results.MemorySample, len(b.Memory))
					for x, m := range b.Memory {
						m.RSS = uint64(float64(m.RSS) * (1 + s))
						mem[x] = m
					}
					b.Memory = mem
				case kind == KindStreams && b.Key == results.BenchStreamScaling:
					capacity := 0
					lv := append([]results.StreamLevel(nil), b.Levels...)
					sort.SliceStable(lv, func(x, y int) bool { return lv[x].Streams < lv[y].Streams })
					for _, l := range lv {
						if !l.Pass {
							break
						}
						capacity = l.Streams
					}
					limit := (1 - s) * float64(capacity)
					for x := range lv {
						if float64(lv[x].Streams) > limit && lv[x].Pass {
							lv[x].Pass = false
							lv[x].Failed = lv[x].Streams - int(limit)
							lv[x].OK = int(limit)
						}
					}
					b.Levels = lv
				}
			}
		}
		out[i] = r
	}
	return out
}
