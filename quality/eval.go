package quality

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/results"
)

// GatedMetrics are the keys of the three gated metrics, in report order.
var GatedMetrics = []string{results.MetricCircuitBuildP95, results.MetricMemorySteadyRSS, results.MetricStreamCapacity}

// kindMetric maps an injection kind to the metric it worsens.
var kindMetric = map[string]string{
	KindCircuit: results.MetricCircuitBuildP95,
	KindMemory:  results.MetricMemorySteadyRSS,
	KindStreams: results.MetricStreamCapacity,
}

// A Pool is the collected runs of one condition: the client as is ("none")
// or with one injection, in one mode.
type Pool struct {
	Mode      string
	Injection string
	Kinds     []string
	Size      float64
	// Runs holds the runs of ModeStored pools (each on a fresh network);
	// failed runs are left out.
	Runs []results.Run
	// Sessions holds the runs of ModeAB pools, one slice per session in
	// schedule order, labelled "A" or "B".
	Sessions [][]results.Run
	// Files names the files the pool came from.
	Files []string

	env      results.Environment
	settings results.Settings
}

// AA reports whether the pool is of the client as is (no injection).
func (p *Pool) AA() bool { return p.Injection == "none" || p.Injection == "" }

// Pools groups collected results by mode and injection. Results without
// quality tags (e.g. the output of 'perfgate run') count as stored-mode
// A/A runs. Failed runs are left out.
func Pools(files map[string]*results.Results) []*Pool {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	byKey := map[string]*Pool{}
	var out []*Pool
	for _, name := range names {
		r := files[name]
		x := r.Settings.Extra
		mode, inj := x[ExtraMode], x[ExtraInjection]
		if mode == "" {
			mode = ModeStored
		}
		if inj == "" {
			inj = "none"
		}
		key := mode + "\x00" + inj
		p := byKey[key]
		if p == nil {
			size, _ := strconv.ParseFloat(x[ExtraSize], 64)
			var kinds []string
			if x[ExtraKinds] != "" {
				kinds = strings.Split(x[ExtraKinds], ",")
			}
			p = &Pool{Mode: mode, Injection: inj, Kinds: kinds, Size: size, env: r.Environment, settings: r.Settings}
			byKey[key] = p
			out = append(out, p)
		}
		p.Files = append(p.Files, name)
		var ok []results.Run
		for _, run := range r.Runs {
			if run.Error == "" {
				ok = append(ok, run)
			}
		}
		if mode == ModeAB {
			// A session with a failed run is kept up to the failure.
			var sess []results.Run
			for _, run := range r.Runs {
				if run.Error != "" {
					break
				}
				sess = append(sess, run)
			}
			if len(sess) >= 2 {
				p.Sessions = append(p.Sessions, sess)
			}
		} else {
			p.Runs = append(p.Runs, ok...)
		}
	}
	return out
}

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

// A Cell is one line of the evaluation: a condition compared many times.
type Cell struct {
	Mode string
	// Condition is "A/A", an injected pool's name, or "synthetic …".
	Condition string
	Kinds     []string
	Size      float64
	K         int
	// Builds is the circuit builds per run the cell used (0: as collected).
	Builds int
	// Threshold is the allowed regressions used.
	Threshold Thresholds
	// Comparisons counts the replayed comparisons; Possible the distinct
	// ones the pools allow (more are sampled down to MaxPairs).
	Comparisons, Possible int
	// Alarms counts comparisons whose verdict failed the check (a
	// regression, or an error such as a benchmark that failed: both fail
	// the check); VerdictErrors those that were errors; Regressed the
	// regressions per metric; Errors comparisons Compare refused.
	Alarms        int
	VerdictErrors int
	Regressed     map[string]int
	Errors        int
	// Adaptive is set on lines with adaptive repetition: MeanRuns is the
	// mean number of current-side runs taken, Exhausted the comparisons
	// that stopped on the budget with an interval still straddling.
	Adaptive  bool
	MeanRuns  float64
	Exhausted int
	// VerdictS is the mean wall time of the runs a verdict needed: the
	// current side's runs in stored mode (the baseline is stored), both
	// sides' runs and the network's start in A/B mode.
	VerdictS float64
	// FirstError is the first comparison error, if any.
	FirstError string
	// Effect is the regression the injection really made, per gated
	// metric: the relative change (positive is worse) between all the
	// A/A runs and all the injected runs, pooled as the gate pools a side.
	// Nil for A/A cells.
	Effect map[string]float64
}

// AA reports whether the cell measures false alarms.
func (c Cell) AA() bool { return c.Condition == "A/A" }

// Rate is the fraction of comparisons that alarmed (false alarms for
// A/A, power otherwise), over all gated metrics.
func (c Cell) Rate() float64 { return ratio(c.Alarms, c.Comparisons) }

// MetricRate is the fraction of comparisons in which the metric regressed.
func (c Cell) MetricRate(key string) float64 { return ratio(c.Regressed[key], c.Comparisons) }

func ratio(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

// side is the runs of one side of a comparison and their cost.
type pair struct {
	base, cur []results.Run
	costS     float64
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
			// Stored-baseline mode.
			if aa != nil && len(aa.Runs) >= 2*k {
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
				if b := o.Adaptive; b != nil && len(aa.Runs) >= k+b.MaxRuns {
					pairs, possible := adaptivePairs(aa.Runs, nil, k, b.MaxRuns, o.MaxPairs, rng)
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
				}
			}
			// A/B mode.
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
		}
	}
	return cells, nil
}

// Thresholds are allowed regressions of the three gated metrics, in
// percent, applied whatever the number of runs; 0 leaves a metric as the
// config has it (with its widening for few runs).
type Thresholds struct {
	P95, RSS, Capacity float64
}

func (t Thresholds) String() string {
	var p []string
	for _, x := range []struct {
		name string
		v    float64
	}{{"p95", t.P95}, {"RSS", t.RSS}, {"capacity", t.Capacity}} {
		if x.v != 0 {
			p = append(p, fmt.Sprintf("%s %g %%", x.name, x.v))
		}
	}
	if len(p) == 0 {
		return "default"
	}
	return strings.Join(p, ", ")
}

// ParseThresholds reads "P95[/RSS[/CAPACITY]]" in percent, e.g. "10",
// "10/5" or "0/5/10" (0: as configured).
func ParseThresholds(s string) (Thresholds, error) {
	var t Thresholds
	f := strings.Split(s, "/")
	if len(f) > 3 {
		return t, fmt.Errorf("%q: want P95[/RSS[/CAPACITY]] in percent", s)
	}
	for i, x := range f {
		v, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil || v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return t, fmt.Errorf("%q: %q is not a percentage", s, x)
		}
		switch i {
		case 0:
			t.P95 = v
		case 1:
			t.RSS = v
		case 2:
			t.Capacity = v
		}
	}
	return t, nil
}

// withThreshold returns cfg with the allowed regressions of th set for
// every number of runs.
func withThreshold(cfg check.Config, th Thresholds) check.Config {
	if th == (Thresholds{}) {
		return cfg
	}
	out := cfg
	out.Metrics = make(map[string]check.MetricConfig, len(cfg.Metrics))
	for k, v := range cfg.Metrics {
		out.Metrics[k] = v
	}
	for key, v := range map[string]float64{results.MetricCircuitBuildP95: th.P95, results.MetricMemorySteadyRSS: th.RSS, results.MetricStreamCapacity: th.Capacity} {
		if v == 0 {
			continue
		}
		mc := out.Metrics[key]
		mc.AllowedRegressionPct = v
		mc.AllowedRegressionPctFewRuns = nil
		out.Metrics[key] = mc
	}
	return out
}

// replay compares every pair and counts.
func replay(p *Pool, cond, mode string, kinds []string, size float64, k int, th Thresholds, pairs []pair, possible int, cfg check.Config) Cell {
	c := Cell{Mode: mode, Condition: cond, Kinds: kinds, Size: size, K: k, Threshold: th,
		Possible: possible, Regressed: map[string]int{}}
	var cost float64
	for _, pr := range pairs {
		b := &results.Results{Schema: results.SchemaResultsV1, Suite: results.SuiteName, Source: "perfgate",
			Environment: p.env, Settings: p.settings, Runs: pr.base}
		cu := *b
		cu.Runs = pr.cur
		rep, err := check.Compare(b, &cu, cfg)
		if err != nil {
			c.Errors++
			if c.FirstError == "" {
				c.FirstError = err.Error()
			}
			continue
		}
		c.Comparisons++
		cost += pr.costS
		c.count(rep)
	}
	if c.Comparisons > 0 {
		c.VerdictS = cost / float64(c.Comparisons)
	}
	return c
}

// count adds a report's verdict to the cell.
func (c *Cell) count(rep *check.Report) {
	if rep.Verdict != check.VerdictPass {
		c.Alarms++
	}
	if rep.Verdict == check.VerdictError {
		c.VerdictErrors++
	}
	for _, m := range rep.Metrics {
		if m.Gated && m.Status == check.StatusRegressed {
			c.Regressed[m.Key]++
		}
	}
}

// replayAdaptive replays pairs whose current side holds b.MaxRuns runs,
// taking them as the adaptive rule asks.
func replayAdaptive(p *Pool, cond string, kinds []string, size float64, k int, th Thresholds, pairs []pair, possible int, cfg check.Config, b check.Budget) Cell {
	c := Cell{Mode: ModeStored, Condition: cond, Kinds: kinds, Size: size, K: k, Threshold: th,
		Possible: possible, Regressed: map[string]int{}, Adaptive: true}
	var cost, runs float64
	for _, pr := range pairs {
		base := &results.Results{Schema: results.SchemaResultsV1, Suite: results.SuiteName, Source: "perfgate",
			Environment: p.env, Settings: p.settings, Runs: pr.base}
		cur := *base
		cur.Runs = nil
		// The shipped loop (check.Adapt) on the collected runs: each round
		// serves the next runs and moves a virtual clock by their recorded
		// wall times; running out of collected runs ends it like a failed run.
		clock := time.Time{}
		take := func(_ context.Context, n int) error {
			if len(cur.Runs)+n > len(pr.cur) {
				return errNoMoreRuns
			}
			for _, r := range pr.cur[len(cur.Runs) : len(cur.Runs)+n] {
				clock = clock.Add(time.Duration(r.WallS * float64(time.Second)))
			}
			cur.Runs = pr.cur[:len(cur.Runs)+n]
			return nil
		}
		rep, rec, err := check.Adapt(context.Background(), b, func() time.Time { return clock }, take,
			func() (*check.Report, error) { return check.Compare(base, &cur, cfg) })
		if errors.Is(err, errNoMoreRuns) || err == nil && rec != nil && len(rec.Undecided) > 0 {
			c.Exhausted++
			err = nil
		}
		if err != nil || rep == nil {
			c.Errors++
			if c.FirstError == "" && err != nil {
				c.FirstError = err.Error()
			}
			continue
		}
		c.Comparisons++
		cost += clock.Sub(time.Time{}).Seconds()
		runs += float64(len(cur.Runs))
		c.count(rep)
	}
	if c.Comparisons > 0 {
		c.VerdictS = cost / float64(c.Comparisons)
		c.MeanRuns = runs / float64(c.Comparisons)
	}
	return c
}

// errNoMoreRuns ends a replayed adaptive loop that asks for more runs than
// were collected.
var errNoMoreRuns = errors.New("no more collected runs")

// effect is the relative change of every gated metric from runs a to
// runs b, oriented so that positive is worse.
func effect(p *Pool, a, b []results.Run, cfg check.Config) map[string]float64 {
	ra := &results.Results{Schema: results.SchemaResultsV1, Suite: results.SuiteName, Source: "perfgate",
		Environment: p.env, Settings: p.settings, Runs: a}
	rb := *ra
	rb.Runs = b
	rep, err := check.Compare(ra, &rb, cfg)
	if err != nil {
		return nil
	}
	out := map[string]float64{}
	for _, m := range rep.Metrics {
		if m.Gated && m.Change != nil {
			rel := m.Change.Rel
			if m.Better == results.HigherIsBetter {
				rel = -rel
			}
			out[m.Key] = rel
		}
	}
	return out
}

// storedPairs returns up to max pairs of k runs each: base from aa, cur
// from inj, or (inj nil) from the runs of aa not in base. It enumerates
// when the pools allow at most max distinct pairs and samples otherwise.
func storedPairs(aa, inj []results.Run, k, max int, rng *rand.Rand) ([]pair, int) {
	mk := func(bi, ci []int, cur []results.Run) pair {
		p := pair{}
		for _, i := range bi {
			p.base = append(p.base, aa[i])
		}
		for _, i := range ci {
			p.cur = append(p.cur, cur[i])
			p.costS += cur[i].WallS
		}
		return p
	}
	n := len(aa)
	var possible float64
	if inj == nil {
		possible = binom(n, k) * binom(n-k, k)
	} else {
		possible = binom(n, k) * binom(len(inj), k)
	}
	var out []pair
	if possible <= float64(max) {
		for _, bi := range combinations(n, k) {
			if inj == nil {
				rest := without(n, bi)
				for _, ci := range combinations(len(rest), k) {
					out = append(out, mk(bi, pick(rest, ci), aa))
				}
			} else {
				for _, ci := range combinations(len(inj), k) {
					out = append(out, mk(bi, ci, inj))
				}
			}
		}
		return out, int(possible)
	}
	for len(out) < max {
		perm := rng.Perm(n)
		bi := perm[:k]
		if inj == nil {
			out = append(out, mk(bi, perm[k:2*k], aa))
		} else {
			out = append(out, mk(bi, rng.Perm(len(inj))[:k], inj))
		}
	}
	return out, int(math.Min(possible, math.MaxInt32))
}

// adaptivePairs samples max pairs of k baseline runs from aa and m
// current runs, in random order, from inj (or, inj nil, from the rest of aa).
func adaptivePairs(aa, inj []results.Run, k, m, max int, rng *rand.Rand) ([]pair, int) {
	possible := binom(len(aa), k) * binom(len(aa)-k, m)
	if inj != nil {
		possible = binom(len(aa), k) * binom(len(inj), m)
	}
	var out []pair
	for len(out) < max {
		perm := rng.Perm(len(aa))
		p := pair{}
		for _, i := range perm[:k] {
			p.base = append(p.base, aa[i])
		}
		idx := perm[k : k+m]
		from := aa
		if inj != nil {
			idx, from = rng.Perm(len(inj))[:m], inj
		}
		for _, i := range idx {
			p.cur = append(p.cur, from[i])
		}
		out = append(out, p)
	}
	return out, int(math.Min(possible, math.MaxInt32))
}

// abPairs returns, for every session, every window of 2k consecutive runs
// starting at a pair boundary: A's runs against B's. Balanced schedules
// have k of each in every such window.
func abPairs(sessions [][]results.Run, k int) []pair {
	var out []pair
	for _, s := range sessions {
		start := 0.0
		if len(s) > 0 {
			start = s[0].NetworkStartS
		}
		for j := 0; j+2*k <= len(s); j += 2 {
			p := pair{costS: start}
			for _, r := range s[j : j+2*k] {
				p.costS += r.WallS
				if r.Label == "B" {
					p.cur = append(p.cur, r)
				} else {
					p.base = append(p.base, r)
				}
			}
			if len(p.base) == k && len(p.cur) == k {
				out = append(out, p)
			}
		}
	}
	return out
}

func binom(n, k int) float64 {
	if k < 0 || k > n {
		return 0
	}
	r := 1.0
	for i := 1; i <= k; i++ {
		r = r * float64(n-k+i) / float64(i)
	}
	return math.Round(r)
}

// combinations returns every k-subset of 0..n-1, in lexicographic order.
func combinations(n, k int) [][]int {
	var out [][]int
	cur := make([]int, 0, k)
	var rec func(start int)
	rec = func(start int) {
		if len(cur) == k {
			out = append(out, append([]int(nil), cur...))
			return
		}
		for i := start; i <= n-(k-len(cur)); i++ {
			cur = append(cur, i)
			rec(i + 1)
			cur = cur[:len(cur)-1]
		}
	}
	rec(0)
	return out
}

func without(n int, idx []int) []int {
	skip := map[int]bool{}
	for _, i := range idx {
		skip[i] = true
	}
	var out []int
	for i := 0; i < n; i++ {
		if !skip[i] {
			out = append(out, i)
		}
	}
	return out
}

func pick(from, idx []int) []int {
	out := make([]int, len(idx))
	for i, j := range idx {
		out[i] = from[j]
	}
	return out
}

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

// WriteTable writes the evaluation as a markdown table: per mode,
// condition, k and threshold, the alarm rate (false alarms for A/A,
// detection otherwise) overall and per gated metric, the number of
// comparisons and the mean wall time per verdict.
func WriteTable(w io.Writer, cells []Cell) error {
	var b strings.Builder
	builds := false
	for _, c := range cells {
		builds = builds || c.Builds > 0
	}
	if builds {
		b.WriteString("| mode | condition | builds/run | runs/side | allowed regression | comparisons | alarms (any metric) | circuit p95 | memory RSS | stream capacity | time/verdict |\n")
		b.WriteString("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	} else {
		b.WriteString("| mode | condition | runs/side | allowed regression | comparisons | alarms (any metric) | circuit p95 | memory RSS | stream capacity | time/verdict |\n")
		b.WriteString("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	}
	for _, c := range cells {
		th := c.Threshold.String()
		mode := "stored baseline"
		if c.Mode == ModeAB {
			mode = "A/B interleaved"
		}
		cond := c.Condition
		if c.AA() {
			cond = "A/A (false alarms)"
		}
		comps := strconv.Itoa(c.Comparisons)
		if c.Possible > c.Comparisons {
			comps += fmt.Sprintf(" of %d", c.Possible)
		}
		if c.Errors > 0 {
			comps += fmt.Sprintf(" (%d errors: %s)", c.Errors, truncate(c.FirstError, 60))
		}
		k := strconv.Itoa(c.K)
		if c.Adaptive {
			k = fmt.Sprintf("%d vs adaptive (mean %.1f)", c.K, c.MeanRuns)
			if c.Exhausted > 0 {
				k += fmt.Sprintf(", budget out %d×", c.Exhausted)
			}
		}
		rate := pct(c.Rate())
		if c.VerdictErrors > 0 {
			rate += fmt.Sprintf(" (%d errors)", c.VerdictErrors)
		}
		if builds {
			n := "as run"
			if c.Builds > 0 {
				n = strconv.Itoa(c.Builds)
			}
			cond += " | " + n
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |", mode, cond, k, th, comps, rate)
		for _, key := range GatedMetrics {
			cell := pct(c.MetricRate(key))
			if e, ok := c.Effect[key]; ok && targets(c.Kinds, key) {
				cell += fmt.Sprintf(" (made %+.0f %%)", e*100)
			}
			if !c.AA() && !targets(c.Kinds, key) {
				cell = "[" + cell + "]"
			}
			fmt.Fprintf(&b, " %s |", cell)
		}
		fmt.Fprintf(&b, " %s |\n", (time.Duration(c.VerdictS * float64(time.Second))).Round(100*time.Millisecond))
	}
	b.WriteString("\nA/A rows: the fraction of comparisons of the client against itself (disjoint runs per side) that failed the check (a regression, or an error verdict). " +
		"Injected rows: the fraction caught, and in parentheses the regression the injection really made (all injected runs against all A/A runs); " +
		"a metric the injection does not target is in brackets (a regression called there is a false alarm). " +
		"Time per verdict: the wall time of the runs a verdict needs (stored baseline: the current side's runs, each on a fresh network; A/B: the network's start and both sides' runs).\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func targets(kinds []string, key string) bool {
	for _, k := range kinds {
		if kindMetric[k] == key {
			return true
		}
	}
	return false
}

func pct(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return fmt.Sprintf("%.1f %%", v*100)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
