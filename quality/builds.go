package quality

import "github.com/perfgate/perfgate/results"

// withBuilds returns a copy of p whose runs keep only their first n
// sequential circuit builds (and first n concurrent ones), as if the suite
// had run with n circuits per run. A run's wall time loses the share of
// its circuit benchmarks' time that the dropped builds took, so that the
// time per verdict is that of the shorter run. Runs with n or fewer builds
// are kept as they are.
//
// With warm-up w > 0 the first w sequential builds are left out before the
// n are taken, as a run that builds w circuits before measuring would
// (their time stays in the run's wall time).
func (p *Pool) withBuilds(n, warmup int) *Pool {
	q := *p
	q.Runs = cutBuilds(p.Runs, n, warmup)
	q.Sessions = make([][]results.Run, len(p.Sessions))
	for i, s := range p.Sessions {
		q.Sessions[i] = cutBuilds(s, n, warmup)
	}
	return &q
}

// cutBuilds is withBuilds for a slice of runs.
func cutBuilds(runs []results.Run, n, warmup int) []results.Run {
	out := make([]results.Run, len(runs))
	for i, r := range runs {
		r.Benchmarks = append([]results.Benchmark(nil), r.Benchmarks...)
		for j := range r.Benchmarks {
			b := &r.Benchmarks[j]
			if b.Key != results.BenchCircuitBuild && b.Key != results.BenchCircuitBuildConcurrent {
				continue
			}
			if w := min(warmup, len(b.LatenciesS)); w > 0 && b.Key == results.BenchCircuitBuild {
				b.LatenciesS = b.LatenciesS[w:]
			}
			total := len(b.LatenciesS) + b.Failures
			if total <= n {
				continue
			}
			// Builds complete in order (the sequential benchmark) or
			// nearly so (the concurrent one): the first n latencies are
			// the first n builds. Failures are kept in proportion.
			keep := float64(n) / float64(total)
			dropped := b.DurationS * (1 - keep)
			r.WallS -= dropped
			b.DurationS -= dropped
			b.Failures = int(float64(b.Failures)*keep + 0.5)
			ok := min(n-b.Failures, len(b.LatenciesS))
			b.LatenciesS = append([]float64(nil), b.LatenciesS[:ok]...)
			b.TotalOperations = int64(ok + b.Failures)
		}
		out[i] = r
	}
	return out
}
