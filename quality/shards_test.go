package quality

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/results"
)

// shardRunsEnv names a glob of collected results files ('perfgate
// evaluate collect', stored A/A runs or A/B sessions) that TestShardFigures
// draws its shards from instead of the fixture.
const shardRunsEnv = "PERFGATE_SHARD_RUNS"

// TestShardFigures prints the shard simulation's table (docs/shards.md):
//
//	go test ./quality -run TestShardFigures -v
//	PERFGATE_SHARD_RUNS='quality-runs/ab-*.json' go test ./quality -run TestShardFigures -v
//
// from the fixture's 8 real networks, or from the collected runs the
// environment variable names. It asserts sanity only, not rates (machines
// are noisy): false alarms under 10 % for both comparisons, and where the
// runners differ widely (RunnerSpreadWide) and the shards are enough for
// Student's t (K ≥ 5), the paired comparison catches a 20 % slower
// circuit p95 about as often as the pooled one or more (within 5 points,
// the sampling error of 200 gates). -short takes fewer gates.
func TestShardFigures(t *testing.T) {
	files := map[string]*results.Results{}
	if glob := os.Getenv(shardRunsEnv); glob != "" {
		paths, err := filepath.Glob(glob)
		if err != nil || len(paths) == 0 {
			t.Fatalf("%s=%q: no files (%v)", shardRunsEnv, glob, err)
		}
		for _, p := range paths {
			r, err := results.Load(p, "")
			if err != nil {
				t.Fatal(err)
			}
			files[p] = r
		}
	} else {
		files[noiseFixture] = loadNoise(t)
	}
	o := ShardOptions{Pools: Pools(files), RunsPerShard: []int{1, 2}, Seed: 1}
	if testing.Short() || raceEnabled {
		o.Trials, o.RunsPerShard = 30, []int{1}
	}
	cells, err := SimulateShards(o)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteShardTable(&b, cells); err != nil {
		t.Fatal(err)
	}
	t.Logf("shard simulation of %d file(s):\n%s", len(files), b.String())
	for _, c := range cells {
		if c.AA() {
			for _, side := range []Cell{c.Paired, c.Pooled} {
				if side.Rate() >= 0.1 {
					t.Errorf("%s, K=%d, %d runs, spread %g: %s false alarms %.1f %%", c.Source, c.K, c.RunsPerShard, c.Spread, side.Mode, side.Rate()*100)
				}
			}
		}
		p95 := results.MetricCircuitBuildP95
		if c.Spread >= RunnerSpreadWide && c.K >= 5 && c.Size == 0.2 && c.Paired.MetricRate(p95) < c.Pooled.MetricRate(p95)-0.05 {
			t.Errorf("%s, K=%d, %d runs, spread %g: +20 %% circuit p95 caught paired %.1f %%, pooled %.1f %%",
				c.Source, c.K, c.RunsPerShard, c.Spread, c.Paired.MetricRate(p95)*100, c.Pooled.MetricRate(p95)*100)
		}
	}
}

// TestSimulateShards: every source the pools hold gives its lines (A/A
// first, then each size, for every spread and K), each counting every
// gate in both comparisons; a +50 % regression is caught, A/A gates pass.
func TestSimulateShards(t *testing.T) {
	r := loadNoise(t)
	files := map[string]*results.Results{
		"aa.json":    r,
		"ab-aa.json": tag(abSession(r, r.Runs), ModeAB, "none", nil, 0),
	}
	cfg := check.DefaultConfig()
	cfg.Resamples = 100
	const trials = 12
	cells, err := SimulateShards(ShardOptions{Pools: Pools(files), Shards: []int{3, 5}, Sizes: []float64{0.5},
		Spreads: []float64{0, 0.1}, Trials: trials, Config: &cfg, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(cells) != 2*2*2*2 {
		t.Fatalf("%d lines, want 16 (2 sources × 2 spreads × 2 K × 2 conditions)", len(cells))
	}
	sources := map[string]int{}
	for i, c := range cells {
		sources[c.Source]++
		t.Run(strings.Join([]string{c.Source, c.Paired.Condition, string(rune('0' + c.K))}, "/"), func(t *testing.T) {
			if c.AA() != (i%2 == 0) {
				t.Errorf("line %d: A/A %v", i, c.AA())
			}
			for _, side := range []Cell{c.Paired, c.Pooled} {
				if side.Comparisons != trials || side.Errors != 0 {
					t.Errorf("%s: %d comparisons, %d errors (%s)", side.Mode, side.Comparisons, side.Errors, side.FirstError)
				}
				switch {
				case c.AA() && side.Rate() > 0.2:
					t.Errorf("%s: A/A alarms %.0f %%", side.Mode, side.Rate()*100)
				case !c.AA() && side.MetricRate(results.MetricMemorySteadyRSS) < 0.9:
					t.Errorf("%s: +50 %% RSS caught %.0f %%", side.Mode, side.MetricRate(results.MetricMemorySteadyRSS)*100)
				}
			}
			if !c.AA() && c.Paired.MetricRate(results.MetricCircuitBuildP95) < 0.9 {
				t.Errorf("paired: +50 %% circuit p95 caught %.0f %%", c.Paired.MetricRate(results.MetricCircuitBuildP95)*100)
			}
		})
	}
	if sources["stored runs"] != 8 || sources["A/B sessions"] != 8 {
		t.Errorf("lines per source %v", sources)
	}
	var b bytes.Buffer
	if err := WriteShardTable(&b, cells); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| source | shards | runs/side/shard | runner spread | condition | gates | alarms: paired / pooled |",
		"| stored runs | 3 | 1 | none | A/A (false alarms) | 12 |",
		"| A/B sessions | 5 | 1 | σ 0.1 | synthetic +50% | 12 |",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
}

func TestSimulateShardsErrors(t *testing.T) {
	pools := Pools(map[string]*results.Results{"aa.json": loadNoise(t)})
	for _, tc := range []struct {
		name     string
		o        ShardOptions
		contains string
	}{
		{"no pools", ShardOptions{}, "no source of shards"},
		{"no shards", ShardOptions{Pools: pools, Shards: []int{0}}, "0 shards"},
		{"no runs per shard", ShardOptions{Pools: pools, RunsPerShard: []int{0}}, "0 runs per shard"},
		{"runs the pool cannot give", ShardOptions{Pools: pools, RunsPerShard: []int{5}}, "no source of shards"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := SimulateShards(tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.contains) {
				t.Errorf("error %v, want %q", err, tc.contains)
			}
		})
	}
}

// TestOnRunner: a runner f times as slow makes every latency ×f and the
// stream capacity ×1/f, keeps the RSS, and leaves its input alone.
func TestOnRunner(t *testing.T) {
	r := loadNoise(t)
	one := func(runs []results.Run) BaseValues {
		t.Helper()
		v, err := BaseValuesOf(&results.Results{Schema: results.SchemaResultsV1, Suite: results.SuiteName, Runs: runs})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	before := r.Runs[0].Benchmarks[0].LatenciesS[0]
	as, slow := one(r.Runs[:1]), one(onRunner(r.Runs[:1], 1.25))
	if r.Runs[0].Benchmarks[0].LatenciesS[0] != before {
		t.Fatal("onRunner changed its input")
	}
	if got := float64(slow.CircuitP95) / float64(as.CircuitP95); math.Abs(got-1.25) > 1e-6 {
		t.Errorf("circuit p95 ×%v, want ×1.25", got)
	}
	if got := float64(slow.Capacity) / float64(as.Capacity); math.Abs(got-0.8) > 0.01 {
		t.Errorf("capacity ×%v, want ×0.8 (%d → %d)", got, as.Capacity, slow.Capacity)
	}
	if slow.RSS != as.RSS {
		t.Errorf("RSS %d → %d", as.RSS, slow.RSS)
	}
}

// TestStoredShardsDeal: a shard's runs are distinct, and the shards of a
// gate share no run while the pool has enough.
func TestStoredShardsDeal(t *testing.T) {
	pools := Pools(map[string]*results.Results{"aa.json": loadNoise(t)})
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct{ k, r int }{{4, 1}, {2, 2}, {3, 2}, {8, 1}} {
		src := storedShards(pools[0]) // a fresh deck for every gate
		seen := map[int]int{}
		for range tc.k {
			base, head := src.draw(rng, tc.r)
			if len(base) != tc.r || len(head) != tc.r {
				t.Fatalf("K=%d, r=%d: %d+%d runs", tc.k, tc.r, len(base), len(head))
			}
			in := map[int]bool{}
			for _, run := range append(base, head...) {
				if in[run.Index] {
					t.Errorf("K=%d, r=%d: run %d twice in a shard", tc.k, tc.r, run.Index)
				}
				in[run.Index] = true
				seen[run.Index]++
			}
		}
		if 2*tc.k*tc.r <= 8 && len(seen) != 2*tc.k*tc.r {
			t.Errorf("K=%d, r=%d: shards share runs: %v", tc.k, tc.r, seen)
		}
	}
}
