package quality

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/results"
)

// Spreads of the runner offsets that SimulateShards draws by default
// (ShardOptions.Spreads): a runner is f times as slow as the machine that
// took the runs, log f normal with this standard deviation.
const (
	// RunnerSpreadTypical is runners of one label and CPU model that
	// differ by their hosts and neighbours: CodSpeed measured a
	// coefficient of variation of 2.66 % across GitHub-hosted runners
	// (every run on another machine) for the benchmark suites of four
	// open-source projects.
	RunnerSpreadTypical = 0.03
	// RunnerSpreadWide is a label whose runners differ in CPU model: two
	// runners in three within ±10 %, the slowest of 8 typically 1.2 to 1.3
	// times the fastest. It is an assumption, of the order of the
	// difference between server CPU generations, not a measurement.
	RunnerSpreadWide = 0.1
)

// ShardOptions configure SimulateShards.
type ShardOptions struct {
	// Pools are the collected runs to draw shards from (Pools). Two kinds
	// are used: the stored-mode A/A pool, where a shard's base and head
	// are disjoint runs, each run on its own fresh network (harder than a
	// real shard, whose sides share a network), and every A/A pool of A/B
	// sessions, where a shard is a window of one session (RunsPerShard A
	// and B runs on one network, as in a real shard). Injected pools are
	// not used: the regressions are synthetic.
	Pools []*Pool
	// Shards are the numbers of shards K to simulate (default 3, 5, 8).
	Shards []int
	// RunsPerShard are the runs per side of each shard to simulate
	// (default 1).
	RunsPerShard []int
	// Sizes are the regressions injected into every head by rewriting its
	// samples (synthetic: circuit latencies and RSS ×(1+s), ladder levels
	// above (1−s)×capacity failed), besides none (default 0.1, 0.2).
	Sizes []float64
	// Spreads are the spreads of the runner offsets to simulate, the
	// standard deviation of log f (default 0, RunnerSpreadTypical and
	// RunnerSpreadWide).
	// Shard i runs on a runner f_i times as slow, drawn per gate: both its
	// sides' latencies are ×f_i and their stream capacity ×1/f_i (the
	// ladder's stream counts scaled); RSS carries no offset (the same build
	// on the same image holds the same memory on any runner).
	Spreads []float64
	// Trials is the number of simulated gates per line (default 200).
	Trials int
	// Config is the gate's configuration (default check.DefaultConfig()
	// with 200 resamples: the verdicts rest on the tests, the resamples
	// only bound the pooled comparison's intervals).
	Config *check.Config
	// Seed seeds the draws of shards and offsets.
	Seed uint64
}

// A ShardCell is one line of the shard simulation: Trials gates of K
// shards, each judged twice, paired by runner (check.ComparePaired) and
// pooled (check.Compare of every shard's base runs against every shard's
// head runs, check.PoolShards), on the same draws.
type ShardCell struct {
	// Source is "stored runs" or "A/B sessions" (see ShardOptions.Pools).
	Source string
	// K is the number of shards, RunsPerShard their runs per side.
	K, RunsPerShard int
	// Spread is the runner offsets' spread (ShardOptions.Spreads).
	Spread float64
	// Size is the regression injected into every head (0: A/A, the
	// false alarms).
	Size float64
	// Paired and Pooled count the two comparisons' verdicts: Comparisons,
	// Alarms (the verdict failed the check), Regressed per gated metric,
	// Errors (comparisons refused).
	Paired, Pooled Cell
}

// AA reports whether the cell measures false alarms.
func (c ShardCell) AA() bool { return c.Size == 0 }

// A shardSource draws the base and head runs of one shard.
type shardSource struct {
	name string
	pool *Pool
	// draw returns a shard's base and head runs, r of each.
	draw func(rng *rand.Rand, r int) (base, head []results.Run)
	// fits reports whether shards of r runs per side can be drawn.
	fits func(r int) bool
}

// SimulateShards simulates gates fanned out over K shards, from collected
// runs: for every source, runs per shard, spread of the runner offsets
// and K, Trials gates of K shards are drawn (each shard's runs at random,
// each shard's runner offset at random), and each gate is judged as is
// (A/A: false alarms) and with every Sizes regression injected into its
// heads (power), paired by runner and pooled. Lines come per source,
// runs per shard, spread and K, A/A first. It fails when the pools hold
// no source that fits, or a comparison is refused.
func SimulateShards(o ShardOptions) ([]ShardCell, error) {
	o = o.withDefaults()
	for _, k := range o.Shards {
		if k < 1 {
			return nil, fmt.Errorf("shard simulation: %d shards", k)
		}
	}
	sources := shardSources(o.Pools)
	var cells []ShardCell
	for _, src := range sources {
		for _, r := range o.RunsPerShard {
			if r < 1 {
				return nil, fmt.Errorf("shard simulation: %d runs per shard", r)
			}
			if !src.fits(r) {
				continue
			}
			for si, spread := range o.Spreads {
				for _, k := range o.Shards {
					rng := rand.New(rand.NewPCG(o.Seed, uint64(k)<<32|uint64(r)<<16|uint64(si)))
					cs, err := simulateLine(src, k, r, spread, o, rng)
					if err != nil {
						return nil, fmt.Errorf("shard simulation, %s, K=%d, %d runs per shard: %w", src.name, k, r, err)
					}
					cells = append(cells, cs...)
				}
			}
		}
	}
	if len(cells) == 0 {
		return nil, errors.New("shard simulation: no source of shards: need an A/A pool of stored runs (at least 2 × runs per shard) or an A/A A/B session")
	}
	return cells, nil
}

func (o ShardOptions) withDefaults() ShardOptions {
	if len(o.Shards) == 0 {
		o.Shards = []int{3, 5, 8}
	}
	if len(o.RunsPerShard) == 0 {
		o.RunsPerShard = []int{1}
	}
	if o.Sizes == nil {
		o.Sizes = []float64{0.1, 0.2}
	}
	if len(o.Spreads) == 0 {
		o.Spreads = []float64{0, RunnerSpreadTypical, RunnerSpreadWide}
	}
	if o.Trials <= 0 {
		o.Trials = 200
	}
	if o.Config == nil {
		cfg := check.DefaultConfig()
		cfg.Resamples = 200
		o.Config = &cfg
	}
	return o
}

// simulateLine is the lines of one source, K, runs per shard and spread:
// A/A, then every size, all judged on the same draws.
func simulateLine(src shardSource, k, r int, spread float64, o ShardOptions, rng *rand.Rand) ([]ShardCell, error) {
	sizes := append([]float64{0}, o.Sizes...)
	cells := make([]ShardCell, len(sizes))
	kinds := []string{KindCircuit, KindMemory, KindStreams}
	for i, s := range sizes {
		cond := "A/A"
		if s > 0 {
			cond = fmt.Sprintf("synthetic +%g%%", s*100)
		}
		cells[i] = ShardCell{Source: src.name, K: k, RunsPerShard: r, Spread: spread, Size: s,
			Paired: newCell("paired", cond, kinds, s, k, Thresholds{}, o.Trials),
			Pooled: newCell("pooled", cond, kinds, s, k, Thresholds{}, o.Trials)}
	}
	for range o.Trials {
		bases := make([][]results.Run, k)
		heads := make([][]results.Run, k)
		offsets := make([]float64, k)
		for j := range k {
			bases[j], heads[j] = src.draw(rng, r)
			offsets[j] = math.Exp(spread * rng.NormFloat64())
		}
		for i, s := range sizes {
			pairs := make([]check.ShardPair, k)
			for j := range k {
				head := heads[j]
				if s > 0 {
					head = synthetic(head, kinds, s)
				}
				pairs[j] = check.ShardPair{Base: src.pool.results(onRunner(bases[j], offsets[j])),
					Head: src.pool.results(onRunner(head, offsets[j]))}
			}
			if err := judgeShards(&cells[i], pairs, *o.Config); err != nil {
				return nil, err
			}
		}
	}
	return cells, nil
}

// judgeShards counts one gate's two verdicts into c.
func judgeShards(c *ShardCell, pairs []check.ShardPair, cfg check.Config) error {
	rep, err := check.ComparePaired(pairs, cfg)
	if err != nil {
		return fmt.Errorf("paired: %w", err)
	}
	c.Paired.Comparisons++
	c.Paired.count(rep)
	bases, heads := make([]*results.Results, len(pairs)), make([]*results.Results, len(pairs))
	for i, p := range pairs {
		bases[i], heads[i] = p.Base, p.Head
	}
	base, _, err := check.PoolShards(bases)
	if err != nil {
		return fmt.Errorf("pooling the bases: %w", err)
	}
	head, _, err := check.PoolShards(heads)
	if err != nil {
		return fmt.Errorf("pooling the heads: %w", err)
	}
	if rep, err = check.Compare(base, head, cfg); err != nil {
		return fmt.Errorf("pooled: %w", err)
	}
	c.Pooled.Comparisons++
	c.Pooled.count(rep)
	return nil
}

// shardSources are the sources of shards the pools hold: the stored-mode
// A/A pool, then every A/A pool of A/B sessions.
func shardSources(pools []*Pool) []shardSource {
	var out []shardSource
	for _, p := range pools {
		if p.Mode == ModeStored && p.AA() {
			out = append(out, storedShards(p))
		}
	}
	for _, p := range pools {
		if p.Mode == ModeAB && p.AA() {
			out = append(out, sessionShards(p))
		}
	}
	return out
}

// storedShards draws each shard's 2r runs from a stored pool, distinct
// within the shard and, as far as the pool allows, across the shards of
// a gate: a shuffled deck of the runs, dealt in order and reshuffled when
// it runs out.
func storedShards(p *Pool) shardSource {
	var deck []int
	return shardSource{name: "stored runs", pool: p,
		fits: func(r int) bool { return len(p.Runs) >= 2*r },
		draw: func(rng *rand.Rand, r int) (base, head []results.Run) {
			taken := map[int]bool{}
			var skipped []int // dealt to this shard already: first for the next
			for len(base)+len(head) < 2*r {
				if len(deck) == 0 {
					deck = rng.Perm(len(p.Runs))
				}
				i := deck[0]
				deck = deck[1:]
				if taken[i] {
					skipped = append(skipped, i)
					continue
				}
				taken[i] = true
				if len(base) < r {
					base = append(base, p.Runs[i])
				} else {
					head = append(head, p.Runs[i])
				}
			}
			deck = append(skipped, deck...)
			return base, head
		}}
}

// sessionShards draws each shard as a window of r A runs and r B runs of
// one A/B session (abPairs), the sessions dealt like storedShards' runs.
func sessionShards(p *Pool) shardSource {
	var deck []int
	return shardSource{name: "A/B sessions", pool: p,
		fits: func(r int) bool { return len(abPairs(p.Sessions, r)) > 0 },
		draw: func(rng *rand.Rand, r int) (base, head []results.Run) {
			for {
				if len(deck) == 0 {
					deck = rng.Perm(len(p.Sessions))
				}
				s := p.Sessions[deck[0]]
				deck = deck[1:]
				if ws := abPairs([][]results.Run{s}, r); len(ws) > 0 {
					w := ws[rng.IntN(len(ws))]
					return w.base, w.cur
				}
			}
		}}
}

// onRunner returns copies of runs as a runner f times as slow would have
// measured them: every latency ×f, every ladder level's streams ×1/f
// (served, failed and tried, so its capacity is ×1/f); RSS as it is.
func onRunner(runs []results.Run, f float64) []results.Run {
	if f == 1 {
		return runs
	}
	out := make([]results.Run, len(runs))
	for i, r := range runs {
		r.Benchmarks = append([]results.Benchmark(nil), r.Benchmarks...)
		for j := range r.Benchmarks {
			b := &r.Benchmarks[j]
			if len(b.LatenciesS) > 0 {
				lat := make([]float64, len(b.LatenciesS))
				for x, v := range b.LatenciesS {
					lat[x] = v * f
				}
				b.LatenciesS = lat
			}
			b.P50S, b.P95S, b.P99S, b.MaxS = b.P50S*f, b.P95S*f, b.P99S*f, b.MaxS*f
			if len(b.Levels) > 0 {
				lv := append([]results.StreamLevel(nil), b.Levels...)
				for x := range lv {
					n := func(v int) int { return int(math.Round(float64(v) / f)) }
					lv[x].Streams, lv[x].OK, lv[x].Failed = n(lv[x].Streams), n(lv[x].OK), n(lv[x].Failed)
				}
				b.Levels = lv
			}
		}
		out[i] = r
	}
	return out
}

// WriteShardTable writes the shard simulation as a markdown table: per
// line the false alarms (A/A) or the power (injected) of the paired and
// the pooled comparison, over all gated metrics and per metric, then a
// note on how to read it.
func WriteShardTable(w io.Writer, cells []ShardCell) error {
	var b strings.Builder
	b.WriteString("| source | shards | runs/side/shard | runner spread | condition | gates | alarms: paired / pooled | circuit p95 | memory RSS | stream capacity |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	for _, c := range cells {
		cond := c.Paired.Condition
		if c.AA() {
			cond = "A/A (false alarms)"
		}
		gates := fmt.Sprint(c.Paired.Comparisons)
		if n := c.Paired.Errors + c.Pooled.Errors; n > 0 {
			gates += fmt.Sprintf(" (%d errors)", n)
		}
		spread := "none"
		if c.Spread > 0 {
			spread = fmt.Sprintf("σ %g", c.Spread)
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %s | %s | %s | %s / %s |", c.Source, c.K, c.RunsPerShard, spread, cond, gates,
			pct(c.Paired.Rate()), pct(c.Pooled.Rate()))
		for _, key := range GatedMetrics {
			fmt.Fprintf(&b, " %s / %s |", pct(c.Paired.MetricRate(key)), pct(c.Pooled.MetricRate(key)))
		}
		b.WriteString("\n")
	}
	b.WriteString("\nEach line: gates of K shards, every shard on its own runner; paired: check.ComparePaired (each shard's head against its own base, " +
		"Student's t across the shards' log-ratios); pooled: check.Compare of all base runs against all head runs. " +
		"A/A lines: the fraction of gates that failed the check; injected lines: the fraction caught, every head made worse by the size in all three metrics. " +
		"Runner spread: the standard deviation of the log of each runner's slowness (latencies ×f, capacity ×1/f, RSS unchanged).\n")
	_, err := io.WriteString(w, b.String())
	return err
}
