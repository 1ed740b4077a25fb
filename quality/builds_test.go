package quality

import (
	"testing"

	"github.com/perfgate/perfgate/results"
)

// TestWithBuilds cuts the fixture's 100-build runs to fewer builds: the
// first n latencies are kept, wall time shrinks by the dropped share of
// the circuit benchmark, other benchmarks and the input are left alone.
func TestWithBuilds(t *testing.T) {
	r := loadNoise(t)
	pools := Pools(map[string]*results.Results{"noise.json": r})
	p := pools[0]
	orig := p.Runs[0]
	var seq results.Benchmark
	for _, b := range orig.Benchmarks {
		if b.Key == results.BenchCircuitBuild {
			seq = b
		}
	}
	if len(seq.LatenciesS) < 100 {
		t.Fatalf("fixture run has %d builds, want ≥ 100", len(seq.LatenciesS))
	}
	wall := orig.WallS
	for _, tc := range []struct {
		name string
		n    int
		want int
	}{{"fewer", 40, 40}, {"as many", len(seq.LatenciesS), len(seq.LatenciesS)}, {"more", 1000, len(seq.LatenciesS)}} {
		t.Run(tc.name, func(t *testing.T) {
			q := p.withBuilds(tc.n, 0)
			run := q.Runs[0]
			var got results.Benchmark
			for _, b := range run.Benchmarks {
				if b.Key == results.BenchCircuitBuild {
					got = b
				}
			}
			if len(got.LatenciesS) != tc.want {
				t.Fatalf("%d latencies, want %d", len(got.LatenciesS), tc.want)
			}
			for i := range got.LatenciesS {
				if got.LatenciesS[i] != seq.LatenciesS[i] {
					t.Fatalf("latency %d = %v, want the original's %v", i, got.LatenciesS[i], seq.LatenciesS[i])
				}
			}
			if tc.want < len(seq.LatenciesS) {
				wantWall := wall - seq.DurationS*(1-float64(tc.n)/float64(len(seq.LatenciesS)+seq.Failures))
				if run.WallS >= wall || run.WallS < wantWall-1e-9-seq.DurationS {
					t.Errorf("wall %.3fs, want about %.3fs (was %.3fs)", run.WallS, wantWall, wall)
				}
			} else if run.WallS != wall {
				t.Errorf("wall %.3fs changed from %.3fs with nothing cut", run.WallS, wall)
			}
		})
	}
	if len(p.Runs[0].Benchmarks) != len(orig.Benchmarks) || p.Runs[0].WallS != wall {
		t.Fatal("withBuilds changed its input")
	}
	for _, b := range p.Runs[0].Benchmarks {
		if b.Key == results.BenchCircuitBuild && len(b.LatenciesS) != len(seq.LatenciesS) {
			t.Fatal("withBuilds cut the input's latencies")
		}
	}
}
