package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/perfgate/perfgate/internal/cmdutil"
	"github.com/perfgate/perfgate/quality"
)

// cmdEvaluate is 'perfgate evaluate': it reads the flags into quality's
// options; the workflows are quality's (CollectTo, ReplayFiles, All).
func cmdEvaluate(ctx context.Context, e *env, args []string) error {
	if cmdutil.WantsHelp(args) {
		fmt.Fprint(e.Stdout, usageText("evaluate"))
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
	_, err = quality.CollectTo(ctx, f.out, o, nil, e.Stderr)
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
		InjectedRuns: f.injected, ABRuns: f.abRuns, ABSessions: f.abSessions, Collect: c, Replay: r, Log: e.Stderr})
	return err
}

func (f *evaluateFlags) replayOptions(e *env) (quality.ReplayOptions, error) {
	o, err := f.replay.Options()
	return quality.ReplayOptions{Eval: o, Markdown: f.markdown, Out: e.Stdout, Log: e.Stderr}, err
}

// register declares the flags of subcommand sub.
func (f *evaluateFlags) register(fs *flag.FlagSet, sub string) {
	if sub != "replay" { // the suite's flags, shared by collect and all
		f.suite.Register(fs)
	}
	if sub != "collect" { // the replay's flags, shared by replay and all
		f.replay.Register(fs)
		fs.StringVar(&f.markdown, "markdown", "", "also write the table to `FILE`")
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
