package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/perfgate/perfgate/quality"
)

// cmdEvaluate is 'perfgate evaluate': it reads the flags into quality's
// options; the workflows are quality's (CollectTo, ReplayFiles, All).
func cmdEvaluate(ctx context.Context, e *env, args []string) error {
	if wantsHelp(args) {
		fmt.Fprint(e.stdout, usageText("evaluate"))
		if len(args) == 0 {
			return errors.New("evaluate: say collect, replay or all (see 'perfgate evaluate -h')")
		}
		return errHelp
	}
	var f evaluateFlags
	run, ok := map[string]func(context.Context, *env, *flag.FlagSet) error{
		"collect": f.collect, "replay": f.replayFiles, "all": f.all}[args[0]]
	if !ok {
		return fmt.Errorf("evaluate: unknown subcommand %q: want collect, replay or all", args[0])
	}
	fs := newFlags("evaluate " + args[0])
	f.register(fs, args[0])
	if err := parseFlags(e, fs, args[1:], args[0] == "replay"); err != nil {
		return err
	}
	if err := run(ctx, e, fs); err != nil {
		return fmt.Errorf("%s: %w", fs.Name(), err)
	}
	return nil
}

// evaluateFlags are the flags of 'perfgate evaluate collect', 'replay'
// and 'all'.
type evaluateFlags struct {
	suite                                  quality.SuiteSpec
	replay                                 quality.ReplaySpec
	out, mode, inject, calibrate           string
	markdown, dir                          string
	runs, aa, injected, abRuns, abSessions int
	size                                   float64
}

func (f *evaluateFlags) collect(ctx context.Context, e *env, _ *flag.FlagSet) error {
	if f.out == "" {
		return errors.New("--out FILE is required")
	}
	in, err := quality.ParseInjection(f.inject, f.size, f.calibrate)
	if err != nil {
		return err
	}
	o, err := f.suite.Options()
	if err != nil {
		return err
	}
	o.Mode, o.Runs, o.Injection = f.mode, f.runs, in
	_, err = quality.CollectTo(ctx, f.out, o, nil, e.stderr)
	return err
}

func (f *evaluateFlags) replayFiles(_ context.Context, e *env, fs *flag.FlagSet) error {
	if fs.NArg() == 0 {
		return errors.New("name the collected results files (see 'perfgate evaluate -h')")
	}
	o, err := f.replayOptions(e)
	if err != nil {
		return err
	}
	_, err = quality.ReplayFiles(fs.Args(), o)
	return err
}

func (f *evaluateFlags) all(ctx context.Context, e *env, _ *flag.FlagSet) error {
	c, err := f.suite.Options()
	if err != nil {
		return err
	}
	r, err := f.replayOptions(e)
	if err != nil {
		return err
	}
	_, err = quality.All(ctx, quality.AllOptions{Dir: f.dir, AARuns: f.aa, Inject: f.inject, Size: f.size,
		InjectedRuns: f.injected, ABRuns: f.abRuns, ABSessions: f.abSessions, Collect: c, Replay: r, Log: e.stderr})
	return err
}

func (f *evaluateFlags) replayOptions(e *env) (quality.ReplayOptions, error) {
	o, err := f.replay.Options()
	return quality.ReplayOptions{Eval: o, Markdown: f.markdown, Out: e.stdout, Log: e.stderr}, err
}

// register declares the flags of subcommand sub.
func (f *evaluateFlags) register(fs *flag.FlagSet, sub string) {
	s, r := &f.suite, &f.replay
	if sub != "replay" { // the suite's flags, shared by collect and all
		fs.BoolVar(&s.Quick, "quick", true, "use the suite's quick configuration (30 circuits, shorter ladder)")
		fs.IntVar(&s.Circuits, "circuits", 0, "sequential circuit builds per run (0: the configuration's); collect with many and replay with --builds to sweep fewer")
		fs.DurationVar(&s.Timeout, "timeout", 10*time.Minute, "bound on one run (stored mode) or one session (A/B mode)")
		fs.StringVar(&s.Order, "order", "balanced", "A/B interleaving: balanced (ABBA BAAB …), abba or alternate")
		fs.IntVar(&s.Warmup, "circuit-warmup", 0, "sequential circuit builds left out first (0: the configuration's; -1: none); collect with none and replay with --warmup to sweep")
		fs.StringVar(&s.Loopback, "loopback", "auto", "the networks' loopback: auto, namespace, shim or host")
	}
	if sub != "collect" { // the replay's flags, shared by replay and all
		fs.StringVar(&r.RunsPerSide, "runs-per-side", "1,2,3", "runs per side to evaluate (comma-separated)")
		fs.StringVar(&r.Thresholds, "thresholds", "0", "allowed regressions to sweep, comma-separated, each P95[/RSS[/CAPACITY]] in percent for every runs-per-side, e.g. 0,10,10/5 (0: the config's defaults, widened for few runs)")
		fs.StringVar(&r.Builds, "builds", "", "circuit builds per run to evaluate, comma-separated (e.g. 100,200,400): runs collected with more builds are cut to their first N (default: as collected)")
		fs.IntVar(&r.Warmup, "warmup", 0, "leave out the first N sequential circuit builds of every run (as a suite with N warm-up builds would), before --builds")
		fs.StringVar(&r.Synthetic, "synthetic", "", "also inject regressions of these sizes by rewriting A/A samples (e.g. 0.1,0.2,0.5)")
		fs.IntVar(&r.MaxPairs, "pairs", 200, "at most this many comparisons per line (more possible pairs are sampled, seeded)")
		fs.IntVar(&r.Resamples, "resamples", 0, "bootstrap resamples per comparison (0: the config's)")
		fs.StringVar(&f.markdown, "markdown", "", "also write the table to `FILE`")
		fs.StringVar(&r.ConfigFile, "config", "", "the gate's YAML config `FILE` (default: the defaults)")
		fs.StringVar(&r.Test, "test", "", "significance test over the runs' values: welch or rank (default: the config's)")
		fs.StringVar(&r.Adaptive, "adaptive", "", "also replay adaptive repetition in stored mode: `MIN:MAX:TIME` runs of the current side (e.g. 2:5:4m), more taken while an interval straddles its threshold")
	}
	switch sub {
	case "collect":
		fs.StringVar(&f.out, "out", "", "write the collected runs to `FILE` (required; rewritten after every run)")
		fs.StringVar(&f.mode, "mode", quality.ModeStored, "stored (a fresh network per run) or ab (one session: clients A and B alternately)")
		fs.IntVar(&f.runs, "runs", 8, "runs (stored) or runs per side (ab)")
		fs.StringVar(&f.inject, "inject", "", "regressions to inject: circuit, memory, streams, comma-separated, each with an optional =SIZE (e.g. circuit=0.2,memory=0.1); empty: none (A/A)")
		fs.Float64Var(&f.size, "size", 0.2, "size of the injected regression (0.2 = 20 %)")
		fs.StringVar(&f.calibrate, "calibrate", "", "A/A results `FILE` the injection's size is relative to (required with --inject)")
	case "all":
		fs.StringVar(&f.dir, "dir", "quality-runs", "`DIR` of collected runs: reused, and completed when short")
		fs.IntVar(&f.aa, "aa", 10, "A/A runs, each on a fresh network")
		fs.IntVar(&f.injected, "injected", 6, "runs with the injected regression, each on a fresh network")
		fs.StringVar(&f.inject, "inject", "circuit=0.2,memory=0.1,streams=0.2", "regressions to inject, KIND[=SIZE] comma-separated (one set of runs carries all; each metric is judged on its own)")
		fs.Float64Var(&f.size, "size", 0.2, "size of the injected regressions named without one (0.2 = 20 %)")
		fs.IntVar(&f.abRuns, "ab-runs", 4, "runs per side of each A/B session (0: no A/B mode)")
		fs.IntVar(&f.abSessions, "ab-sessions", 1, "A/B sessions of each kind (A/A and injected)")
	}
}
