package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/perfgate/perfgate/benchmark"
	"github.com/perfgate/perfgate/benchmark/torlab"
	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/quality"
	"github.com/perfgate/perfgate/results"
)

const evaluateUsage = `usage: perfgate evaluate <collect|replay|all> [flags]

Measures the gate's quality on this machine: the false-alarm rate (A/A
comparisons of the client against itself, fresh networks each time), the
detection power per metric for regressions injected with real mechanisms
(a delaying relay on the client's control port, a cap on its SOCKS
connections, a synthetic GeoIP file it must hold in memory), and the wall
time per verdict, in stored-baseline and interleaved A/B modes.

Collecting runs is the expensive part and is kept apart from replaying
them, which is cheap; collected runs are results files that can be kept
and replayed with other settings.

  perfgate evaluate collect --out FILE [--runs N] [--mode stored|ab]
                            [--inject circuit=0.2,memory=0.1,streams=0.2 --calibrate AA.json]
  perfgate evaluate replay [--runs-per-side 1,2,3] [--thresholds 0,10,15,10/5]
                           [--synthetic 0.1,0.2,0.5] [--adaptive 2:5:4m] FILE...
  perfgate evaluate all --dir DIR [--aa 10] [--injected 6] [--ab-runs 4]
                        [--inject circuit=0.2,memory=0.1,streams=0.2]
      collects what DIR lacks (A/A runs, injected runs, A/B sessions), then replays
      everything in DIR and prints the table.
`

// cmdEvaluate is 'perfgate evaluate'.
func cmdEvaluate(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(e.stdout, evaluateUsage)
		if len(args) == 0 {
			return errors.New("evaluate: say collect, replay or all (see 'perfgate evaluate -h')")
		}
		return errHelp
	}
	switch args[0] {
	case "collect":
		return evaluateCollect(ctx, e, args[1:])
	case "replay":
		return evaluateReplay(e, args[1:])
	case "all":
		return evaluateAll(ctx, e, args[1:])
	}
	return fmt.Errorf("evaluate: unknown subcommand %q: want collect, replay or all", args[0])
}

// collectFlags are the suite's flags shared by collect and all.
type collectFlags struct {
	quick    bool
	circuits int
	warmup   int
	timeout  time.Duration
	order    string
	loopback string
}

func (c *collectFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&c.quick, "quick", true, "use the suite's quick configuration (30 circuits, shorter ladder)")
	fs.IntVar(&c.circuits, "circuits", 0, "sequential circuit builds per run (0: the configuration's); collect with many and replay with --builds to sweep fewer")
	fs.DurationVar(&c.timeout, "timeout", 10*time.Minute, "bound on one run (stored mode) or one session (A/B mode)")
	fs.StringVar(&c.order, "order", "balanced", "A/B interleaving: balanced (ABBA BAAB …), abba or alternate")
	fs.IntVar(&c.warmup, "circuit-warmup", 0, "sequential circuit builds left out first (0: the configuration's; -1: none); collect with none and replay with --warmup to sweep")
	fs.StringVar(&c.loopback, "loopback", "auto", "the networks' loopback: auto, namespace, shim or host")
}

func (c *collectFlags) config() benchmark.Config {
	cfg := benchmark.DefaultConfig()
	if c.quick {
		cfg = benchmark.QuickConfig()
	}
	if c.circuits > 0 {
		cfg.Circuits = c.circuits
	}
	if c.warmup != 0 {
		cfg.CircuitWarmup = c.warmup
	}
	return cfg
}

// loopbackMode parses --loopback.
func (c *collectFlags) loopbackMode() (torlab.LoopbackMode, error) {
	m, err := torlab.ParseLoopbackMode(c.loopback)
	if err != nil {
		return "", fmt.Errorf("evaluate: --loopback: %w", err)
	}
	return m, nil
}

func parseFlags(e *env, fs *flag.FlagSet, args []string, usage string) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(e.stdout, fs, usage)
			return errHelp
		}
		return fmt.Errorf("%s: %v (see 'perfgate evaluate -h')", fs.Name(), err)
	}
	return nil
}

func evaluateCollect(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("evaluate collect", flag.ContinueOnError)
	var cf collectFlags
	cf.register(fs)
	out := fs.String("out", "", "write the collected runs to `FILE` (required; rewritten after every run)")
	mode := fs.String("mode", quality.ModeStored, "stored (a fresh network per run) or ab (one session: clients A and B alternately)")
	runs := fs.Int("runs", 8, "runs (stored) or runs per side (ab)")
	inject := fs.String("inject", "", "regressions to inject: circuit, memory, streams, comma-separated, each with an optional =SIZE (e.g. circuit=0.2,memory=0.1); empty: none (A/A)")
	size := fs.Float64("size", 0.2, "size of the injected regression (0.2 = 20 %)")
	calibrate := fs.String("calibrate", "", "A/A results `FILE` the injection's size is relative to (required with --inject)")
	if err := parseFlags(e, fs, args, evaluateUsage); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("evaluate collect: --out FILE is required")
	}
	in, err := planInjection(*inject, *size, *calibrate)
	if err != nil {
		return err
	}
	order, err := benchmark.ParseOrder(cf.order)
	if err != nil {
		return fmt.Errorf("evaluate collect: --order: %w", err)
	}
	lb, err := cf.loopbackMode()
	if err != nil {
		return err
	}
	_, err = collectTo(ctx, e, *out, quality.CollectOptions{Mode: *mode, Runs: *runs, Order: order, Injection: in,
		Config: cf.config(), Quick: cf.quick, Timeout: cf.timeout, Loopback: lb}, nil)
	return err
}

// planInjection turns --inject/--size/--calibrate into an injection.
func planInjection(kinds string, size float64, calibrate string) (quality.Injection, error) {
	if kinds == "" {
		return quality.Injection{Name: "none"}, nil
	}
	if calibrate == "" {
		return quality.Injection{}, errors.New("evaluate: --inject needs --calibrate AA.json (A/A runs the size is relative to)")
	}
	aa, err := results.Load(calibrate, "")
	if err != nil {
		return quality.Injection{}, fmt.Errorf("evaluate: %w", err)
	}
	base, err := quality.BaseValuesOf(aa)
	if err != nil {
		return quality.Injection{}, fmt.Errorf("evaluate: calibrating from %s: %w", calibrate, err)
	}
	sizes := map[string]float64{}
	for _, k := range strings.Split(kinds, ",") {
		name, sz, ok := strings.Cut(strings.TrimSpace(k), "=")
		if !ok {
			sizes[name] = size
			continue
		}
		v, err := strconv.ParseFloat(sz, 64)
		if err != nil {
			return quality.Injection{}, fmt.Errorf("evaluate: --inject %q: %q is not a size (0.2 = 20 %%)", kinds, sz)
		}
		sizes[name] = v
	}
	in, err := quality.PlanInjectionSizes(sizes, base)
	if err != nil {
		return in, fmt.Errorf("evaluate: --inject: %w", err)
	}
	return in, nil
}

// collectTo collects into path, appending to the successful runs already
// there (stored mode), and rewrites the file after every run.
func collectTo(ctx context.Context, e *env, path string, o quality.CollectOptions, prev *results.Results) (*results.Results, error) {
	o.Log = e.stderr
	fmt.Fprintf(e.stderr, "collecting %d %s run(s) into %s: injection %s\n", o.Runs, o.Mode, path, o.Injection)
	o.Checkpoint = func(r *results.Results) error {
		if prev != nil {
			merged := *r
			merged.Runs = append(append([]results.Run(nil), prev.Runs...), r.Runs...)
			for i := range merged.Runs {
				merged.Runs[i].Index = i
			}
			merged.Settings.Runs = len(merged.Runs)
			r = &merged
		}
		return benchmark.WriteResultsFile(path, r)
	}
	res, err := quality.Collect(ctx, o)
	if err != nil {
		return res, fmt.Errorf("evaluate collect: %w", err)
	}
	return res, nil
}

// replayFlags are the replay's flags shared by replay and all.
type replayFlags struct {
	k, thresholds, synthetic string
	builds                   string
	warmup                   int
	pairs, resamples         int
	markdown                 string
	adaptive                 string
	config, test             string
}

func (r *replayFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&r.k, "runs-per-side", "1,2,3", "runs per side to evaluate (comma-separated)")
	fs.StringVar(&r.thresholds, "thresholds", "0", "allowed regressions to sweep, comma-separated, each P95[/RSS[/CAPACITY]] in percent for every runs-per-side, e.g. 0,10,10/5 (0: the config's defaults, widened for few runs)")
	fs.StringVar(&r.builds, "builds", "", "circuit builds per run to evaluate, comma-separated (e.g. 100,200,400): runs collected with more builds are cut to their first N (default: as collected)")
	fs.IntVar(&r.warmup, "warmup", 0, "leave out the first N sequential circuit builds of every run (as a suite with N warm-up builds would), before --builds")
	fs.StringVar(&r.synthetic, "synthetic", "", "also inject regressions of these sizes by rewriting A/A samples (e.g. 0.1,0.2,0.5)")
	fs.IntVar(&r.pairs, "pairs", 200, "at most this many comparisons per line (more possible pairs are sampled, seeded)")
	fs.IntVar(&r.resamples, "resamples", 0, "bootstrap resamples per comparison (0: the config's)")
	fs.StringVar(&r.markdown, "markdown", "", "also write the table to `FILE`")
	fs.StringVar(&r.config, "config", "", "the gate's YAML config `FILE` (default: the defaults)")
	fs.StringVar(&r.test, "test", "", "significance test over the runs' values: welch or rank (default: the config's)")
	fs.StringVar(&r.adaptive, "adaptive", "", "also replay adaptive repetition in stored mode: `MIN:MAX:TIME` runs of the current side (e.g. 2:5:4m), more taken while an interval straddles its threshold")
}

func (r *replayFlags) options() (quality.EvalOptions, error) {
	var o quality.EvalOptions
	ks, err := floats(r.k)
	if err != nil {
		return o, fmt.Errorf("evaluate: --runs-per-side: %w", err)
	}
	for _, k := range ks {
		if k < 1 || k != float64(int(k)) {
			return o, fmt.Errorf("evaluate: --runs-per-side: %v is not a positive whole number", k)
		}
		o.RunsPerSide = append(o.RunsPerSide, int(k))
	}
	for _, f := range strings.Split(r.thresholds, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		th, err := quality.ParseThresholds(f)
		if err != nil {
			return o, fmt.Errorf("evaluate: --thresholds: %w", err)
		}
		o.Thresholds = append(o.Thresholds, th)
	}
	bs, err := floats(r.builds)
	if err != nil {
		return o, fmt.Errorf("evaluate: --builds: %w", err)
	}
	for _, n := range bs {
		if n < 1 || n != float64(int(n)) {
			return o, fmt.Errorf("evaluate: --builds: %v is not a positive whole number", n)
		}
		o.Builds = append(o.Builds, int(n))
	}
	if r.warmup < 0 {
		return o, fmt.Errorf("evaluate: --warmup %d: want 0 or more", r.warmup)
	}
	o.Warmup = r.warmup
	if o.Synthetic, err = floats(r.synthetic); err != nil {
		return o, fmt.Errorf("evaluate: --synthetic: %w", err)
	}
	for _, s := range o.Synthetic {
		if s <= 0 || s >= 1 {
			return o, fmt.Errorf("evaluate: --synthetic: %v: want a size between 0 and 1", s)
		}
	}
	if r.adaptive != "" {
		b, err := parseBudget(r.adaptive)
		if err != nil {
			return o, fmt.Errorf("evaluate: --adaptive: %w", err)
		}
		o.Adaptive = &b
	}
	o.MaxPairs = r.pairs
	o.Seed = 1
	cfg := check.DefaultConfig()
	if r.config != "" {
		if cfg, err = check.LoadConfig(r.config); err != nil {
			return o, fmt.Errorf("evaluate: --config: %w", err)
		}
	}
	if r.resamples > 0 {
		cfg.Resamples = r.resamples
	}
	if r.test != "" {
		cfg.Test = r.test
		if err := cfg.Validate(); err != nil {
			return o, fmt.Errorf("evaluate: --test: %w", err)
		}
	}
	o.Config = &cfg
	return o, nil
}

// parseBudget reads MIN:MAX:TIME, e.g. 2:5:4m.
func parseBudget(s string) (check.Budget, error) {
	f := strings.Split(s, ":")
	if len(f) != 3 {
		return check.Budget{}, fmt.Errorf("%q: want MIN:MAX:TIME, e.g. 2:5:4m", s)
	}
	lo, err1 := strconv.Atoi(f[0])
	hi, err2 := strconv.Atoi(f[1])
	d, err3 := time.ParseDuration(f[2])
	if err1 != nil || err2 != nil || err3 != nil || lo < 1 || hi < lo || d <= 0 {
		return check.Budget{}, fmt.Errorf("%q: want MIN:MAX:TIME with 1 ≤ MIN ≤ MAX and a positive duration, e.g. 2:5:4m", s)
	}
	return check.Budget{MinRuns: lo, MaxRuns: hi, Step: 1, Time: d}, nil
}

func floats(s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", f)
		}
		out = append(out, v)
	}
	return out, nil
}

func evaluateReplay(e *env, args []string) error {
	fs := flag.NewFlagSet("evaluate replay", flag.ContinueOnError)
	var rf replayFlags
	rf.register(fs)
	if err := parseFlags(e, fs, args, evaluateUsage); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("evaluate replay: name the collected results files (see 'perfgate evaluate -h')")
	}
	return replayFiles(e, fs.Args(), rf)
}

func replayFiles(e *env, paths []string, rf replayFlags) error {
	o, err := rf.options()
	if err != nil {
		return err
	}
	files := map[string]*results.Results{}
	for _, p := range paths {
		r, err := results.Load(p, "")
		if err != nil {
			return fmt.Errorf("evaluate replay: %w", err)
		}
		files[p] = r
	}
	pools := quality.Pools(files)
	for _, p := range pools {
		n := len(p.Runs)
		unit := "runs"
		if p.Mode == quality.ModeAB {
			n, unit = len(p.Sessions), "sessions"
		}
		fmt.Fprintf(e.stderr, "pool %s/%s: %d %s from %s\n", p.Mode, p.Injection, n, unit, strings.Join(p.Files, ", "))
	}
	start := time.Now()
	cells, err := quality.Evaluate(pools, o)
	if err != nil {
		return fmt.Errorf("evaluate replay: %w", err)
	}
	if len(cells) == 0 {
		return errors.New("evaluate replay: nothing to compare: need at least 2×runs-per-side A/A runs (stored mode) or an A/B session")
	}
	if err := quality.WriteTable(e.stdout, cells); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "replayed %d lines in %.1fs\n", len(cells), time.Since(start).Seconds())
	if rf.markdown != "" {
		f, err := os.Create(rf.markdown)
		if err != nil {
			return fmt.Errorf("evaluate replay: %w", err)
		}
		werr := quality.WriteTable(f, cells)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return fmt.Errorf("evaluate replay: %w", werr)
		}
	}
	return nil
}

func evaluateAll(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("evaluate all", flag.ContinueOnError)
	var cf collectFlags
	cf.register(fs)
	var rf replayFlags
	rf.register(fs)
	dir := fs.String("dir", "quality-runs", "`DIR` of collected runs: reused, and completed when short")
	aaRuns := fs.Int("aa", 10, "A/A runs, each on a fresh network")
	injRuns := fs.Int("injected", 6, "runs with the injected regression, each on a fresh network")
	inject := fs.String("inject", "circuit=0.2,memory=0.1,streams=0.2", "regressions to inject, KIND[=SIZE] comma-separated (one set of runs carries all; each metric is judged on its own)")
	size := fs.Float64("size", 0.2, "size of the injected regressions named without one (0.2 = 20 %)")
	abRuns := fs.Int("ab-runs", 4, "runs per side of each A/B session (0: no A/B mode)")
	abSessions := fs.Int("ab-sessions", 1, "A/B sessions of each kind (A/A and injected)")
	if err := parseFlags(e, fs, args, evaluateUsage); err != nil {
		return err
	}
	order, err := benchmark.ParseOrder(cf.order)
	if err != nil {
		return fmt.Errorf("evaluate all: --order: %w", err)
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return fmt.Errorf("evaluate all: %w", err)
	}
	lb, err := cf.loopbackMode()
	if err != nil {
		return err
	}
	base := quality.CollectOptions{Config: cf.config(), Quick: cf.quick, Timeout: cf.timeout, Order: order, Loopback: lb}

	// 1. A/A runs, stored mode.
	aaPath := filepath.Join(*dir, "aa.json")
	if err := topUp(ctx, e, aaPath, *aaRuns, base, quality.Injection{Name: "none"}); err != nil {
		return err
	}
	// 2. Injected runs, planned from the A/A runs.
	var in quality.Injection
	if *inject != "" && *injRuns > 0 {
		if in, err = planInjection(*inject, *size, aaPath); err != nil {
			return err
		}
		p := filepath.Join(*dir, "inject-"+fileSafe(in.Name)+".json")
		if err := topUp(ctx, e, p, *injRuns, base, in); err != nil {
			return err
		}
	}
	// 3. A/B sessions: A/A, and A against injected B.
	if *abRuns > 0 {
		conds := []quality.Injection{{Name: "none"}}
		if in.Name != "" {
			conds = append(conds, in)
		}
		for _, c := range conds {
			for s := 1; s <= *abSessions; s++ {
				p := filepath.Join(*dir, fmt.Sprintf("ab-%s-%d.json", fileSafe(c.Name), s))
				if r, err := results.Load(p, ""); err == nil && len(r.Runs) >= 2**abRuns {
					fmt.Fprintf(e.stderr, "reusing %s\n", p)
					continue
				}
				o := base
				o.Mode, o.Runs, o.Injection = quality.ModeAB, *abRuns, c
				if _, err := collectTo(ctx, e, p, o, nil); err != nil {
					return err
				}
			}
		}
	}
	// 4. Replay everything in the directory.
	paths, err := filepath.Glob(filepath.Join(*dir, "*.json"))
	if err != nil {
		return err
	}
	sort.Strings(paths)
	return replayFiles(e, paths, rf)
}

// topUp makes the stored-mode file at path hold at least n successful
// runs with the injection, collecting only the missing ones.
func topUp(ctx context.Context, e *env, path string, n int, base quality.CollectOptions, in quality.Injection) error {
	var prev *results.Results
	have := 0
	if r, err := results.Load(path, ""); err == nil {
		prev = r
		var ok []results.Run
		for _, run := range r.Runs {
			if run.Error == "" {
				ok = append(ok, run)
			}
		}
		prev.Runs = ok
		have = len(ok)
	}
	if have >= n {
		fmt.Fprintf(e.stderr, "reusing %s: %d runs\n", path, have)
		return nil
	}
	o := base
	o.Mode, o.Runs, o.Injection = quality.ModeStored, n-have, in
	_, err := collectTo(ctx, e, path, o, prev)
	return err
}

func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			return r
		}
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		if r == '%' {
			return -1
		}
		return '-'
	}, s)
}
