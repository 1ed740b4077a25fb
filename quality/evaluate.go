package quality

import (
	"fmt"
	"math/rand/v2"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/results"
)

// EvalOptions configure Evaluate.
type EvalOptions struct {
	// RunsPerSide are the k to evaluate (default 1, 2, 3).
	RunsPerSide []int
	// Thresholds are the allowed regressions to sweep (default: just the
	// config as given).
	Thresholds []Thresholds
	// Config is the gate's configuration (default check.DefaultConfig()).
	Config *check.Config
	// MaxPairs bounds the comparisons per cell; more possible pairs are
	// sampled (seeded). Default 200.
	MaxPairs int
	// Synthetic are sizes of regressions injected into A/A runs by
	// rewriting their samples (circuit latencies ×(1+s), RSS ×(1+s),
	// ladder levels above (1−s)×capacity failed): cheap, and labelled as
	// such. Real injections come from injected pools.
	Synthetic []float64
	// Seed seeds the sampling of pairs.
	Seed uint64
	// Builds are circuit builds per run to evaluate (0 or empty: as
	// collected). Runs collected with more builds are cut to their first
	// Builds builds, which is what a run with fewer builds measures, and
	// their wall time is cut by the time the dropped builds took.
	Builds []int
	// Warmup leaves out the first Warmup sequential builds of every run
	// before Builds are taken (0: none).
	Warmup int
	// Adaptive, when set, adds stored-mode lines with adaptive repetition:
	// the current side starts with Adaptive.MinRuns runs and takes more
	// (Decide) while an interval straddles its threshold, up to
	// Adaptive.MaxRuns runs and Adaptive.Time; the baseline side has k runs.
	Adaptive *check.Budget
}

// Evaluate replays comparisons of collected runs through check.Compare,
// with disjoint runs per side, for every number of builds per run, mode,
// condition, k and threshold.
func Evaluate(pools []*Pool, o EvalOptions) ([]Cell, error) {
	if len(o.Builds) == 0 {
		o.Builds = []int{0}
	}
	var cells []Cell
	for _, n := range o.Builds {
		cut := pools
		if n > 0 || o.Warmup > 0 {
			cut = make([]*Pool, len(pools))
			for i, p := range pools {
				cut[i] = p.withBuilds(n, o.Warmup)
			}
		}
		cs, err := evaluate(cut, o)
		if err != nil {
			return nil, err
		}
		for i := range cs {
			cs[i].Builds = n
		}
		cells = append(cells, cs...)
	}
	return cells, nil
}

// evaluate is Evaluate for the pools as they are.
func evaluate(pools []*Pool, o EvalOptions) ([]Cell, error) {
	if len(o.RunsPerSide) == 0 {
		o.RunsPerSide = []int{1, 2, 3}
	}
	if len(o.Thresholds) == 0 {
		o.Thresholds = []Thresholds{{}}
	}
	if o.MaxPairs <= 0 {
		o.MaxPairs = 200
	}
	base := check.DefaultConfig()
	if o.Config != nil {
		base = *o.Config
	}
	var cells []Cell
	var aa *Pool
	for _, p := range pools {
		if p.Mode == ModeStored && p.AA() {
			aa = p
		}
	}
	for _, th := range o.Thresholds {
		cfg := withThreshold(base, th)
		for _, k := range o.RunsPerSide {
			rng := rand.New(rand.NewPCG(o.Seed, uint64(k)))
			if aa != nil && len(aa.Runs) >= 2*k {
				cells = append(cells, storedCells(aa, pools, k, th, cfg, o, rng)...)
			}
			cells = append(cells, abCells(pools, k, th, cfg)...)
		}
	}
	return cells, nil
}

// storedCells are the stored-baseline lines for k runs per side: A/A
// pairs of the A/A pool, its synthetic regressions, every injected pool
// against it, and the adaptive lines when o.Adaptive asks for them.
func storedCells(aa *Pool, pools []*Pool, k int, th Thresholds, cfg check.Config, o EvalOptions, rng *rand.Rand) []Cell {
	var cells []Cell
	pairs, possible := storedPairs(aa.Runs, nil, k, o.MaxPairs, rng)
	cells = append(cells, replay(aa, "A/A", ModeStored, nil, 0, k, th, pairs, possible, cfg))
	for _, s := range o.Synthetic {
		kinds := []string{KindCircuit, KindMemory, KindStreams}
		sp := make([]pair, len(pairs))
		for i, pr := range pairs {
			sp[i] = pair{base: pr.base, cur: synthetic(pr.cur, kinds, s), costS: pr.costS}
		}
		name := fmt.Sprintf("synthetic +%g%%", s*100)
		cells = append(cells, replay(aa, name, ModeStored, kinds, s, k, th, sp, possible, cfg))
	}
	for _, p := range pools {
		if p.Mode != ModeStored || p.AA() || len(p.Runs) < k {
			continue
		}
		pairs, possible := storedPairs(aa.Runs, p.Runs, k, o.MaxPairs, rng)
		c := replay(aa, p.Injection, ModeStored, p.Kinds, p.Size, k, th, pairs, possible, cfg)
		c.Effect = effect(aa, aa.Runs, p.Runs, cfg)
		cells = append(cells, c)
	}
	b := o.Adaptive
	if b == nil || len(aa.Runs) < k+b.MaxRuns {
		return cells
	}
	pairs, possible = adaptivePairs(aa.Runs, nil, k, b.MaxRuns, o.MaxPairs, rng)
	cells = append(cells, replayAdaptive(aa, "A/A", nil, 0, k, th, pairs, possible, cfg, *b))
	for _, p := range pools {
		if p.Mode != ModeStored || p.AA() || len(p.Runs) < b.MaxRuns {
			continue
		}
		pairs, possible := adaptivePairs(aa.Runs, p.Runs, k, b.MaxRuns, o.MaxPairs, rng)
		c := replayAdaptive(aa, p.Injection, p.Kinds, p.Size, k, th, pairs, possible, cfg, *b)
		c.Effect = effect(aa, aa.Runs, p.Runs, cfg)
		cells = append(cells, c)
	}
	return cells
}

// abCells are the A/B lines for k runs per side: every A/B pool's
// sessions, A's runs against B's.
func abCells(pools []*Pool, k int, th Thresholds, cfg check.Config) []Cell {
	var cells []Cell
	for _, p := range pools {
		if p.Mode != ModeAB {
			continue
		}
		pairs := abPairs(p.Sessions, k)
		if len(pairs) == 0 {
			continue
		}
		cond := p.Injection
		if p.AA() {
			cond = "A/A"
		}
		c := replay(p, cond, ModeAB, p.Kinds, p.Size, k, th, pairs, len(pairs), cfg)
		if !p.AA() {
			var a, b []results.Run
			for _, s := range p.Sessions {
				for _, r := range s {
					if r.Label == "B" {
						b = append(b, r)
					} else {
						a = append(a, r)
					}
				}
			}
			c.Effect = effect(p, a, b, cfg)
		}
		cells = append(cells, c)
	}
	return cells
}
