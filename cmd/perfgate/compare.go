package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mattn/go-isatty"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/report"
)

// compareFlags are the flags 'perfgate compare' and 'perfgate report' share.
type compareFlags struct {
	baseline, results, config string
	format, baselineFormat    string
	markdown, json            string
	color                     string
	quiet                     bool
	resamples                 int
	seed                      uint64
	allowedPct                float64
	confidence                float64
	fs                        *flag.FlagSet
}

func newCompareFlags(name, usage string, e *env) *compareFlags {
	f := &compareFlags{fs: flag.NewFlagSet(name, flag.ContinueOnError)}
	fs := f.fs
	fs.SetOutput(io.Discard)
	fs.StringVar(&f.baseline, "baseline", "", "baseline `FILE` (a baseline, results, Go benchmark output or go-tor summary); a missing file means no baseline")
	fs.StringVar(&f.results, "results", "", "current results `FILE` (required; same formats)")
	fs.StringVar(&f.config, "config", "", "YAML config `FILE` (targets, allowed regressions, gating); defaults when empty")
	fs.StringVar(&f.format, "format", "auto", "input `FORMAT` of both sides: auto, json, gobench, gotor")
	fs.StringVar(&f.baselineFormat, "baseline-format", "", "input `FORMAT` of the baseline when it differs from --format")
	fs.StringVar(&f.markdown, "markdown", "", "write the markdown report to `FILE` (- for stdout)")
	fs.StringVar(&f.json, "json", "", "write the JSON verdict to `FILE` (- for stdout)")
	fs.StringVar(&f.color, "color", "auto", "colour the terminal table: auto (only on a TTY, not with NO_COLOR), always, never")
	fs.BoolVar(&f.quiet, "quiet", false, "do not print the terminal table")
	fs.IntVar(&f.resamples, "resamples", 0, "bootstrap resamples (overrides the config; default 2000)")
	fs.Uint64Var(&f.seed, "seed", 0, "bootstrap seed (overrides the config; default 1)")
	fs.Float64Var(&f.allowedPct, "allowed-regression", 0, "allowed regression in `PERCENT` for every gated metric with enough runs (overrides the config)")
	fs.Float64Var(&f.confidence, "confidence", 0, "confidence level, e.g. 0.95 (overrides the config)")
	_ = usage
	return f
}

// parse parses args; it returns errHelp after printing the usage for -h.
func (f *compareFlags) parse(e *env, args []string, usage string) error {
	if err := f.fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(e.stdout, f.fs, usage)
			return errHelp
		}
		return fmt.Errorf("%s: %v (see 'perfgate %s -h')", f.fs.Name(), err, f.fs.Name())
	}
	if f.fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected argument %q (see 'perfgate %s -h')", f.fs.Name(), f.fs.Arg(0), f.fs.Name())
	}
	switch f.color {
	case "auto", "always", "never":
	default:
		return fmt.Errorf("%s: --color %q: want auto, always or never", f.fs.Name(), f.color)
	}
	return nil
}

func printUsage(w io.Writer, fs *flag.FlagSet, usage string) {
	fmt.Fprint(w, usage)
	fmt.Fprintln(w, "\nFlags:")
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	fmt.Fprintln(w, "\nExit codes: 0 pass, 1 regression or missed target, 2 error.")
}

const compareUsage = `usage: perfgate compare --results FILE [--baseline FILE] [--config FILE] [--format F]
                        [--markdown FILE] [--json FILE]

Compares benchmark results with a baseline and the absolute targets, and
prints a table. A metric regresses when its change is worse than the
allowed regression and beyond the noise of the runs (bootstrap over runs,
Holm-corrected). Without a baseline the targets alone decide, and the
command that creates the baseline is printed.
`

// cmdCompare is 'perfgate compare'.
func cmdCompare(ctx context.Context, e *env, args []string) error {
	f := newCompareFlags("compare", compareUsage, e)
	if err := f.parse(e, args, compareUsage); err != nil {
		return err
	}
	if f.results == "" {
		return errors.New("compare: --results FILE is required (see 'perfgate compare -h')")
	}
	rep, err := f.compare()
	if err != nil {
		return err
	}
	return f.emit(e, rep)
}

// config loads the config file and applies the flags over it.
func (f *compareFlags) loadConfig() (check.Config, error) {
	cfg := check.DefaultConfig()
	if f.config != "" {
		var err error
		if cfg, err = check.LoadConfig(f.config); err != nil {
			return cfg, err
		}
	}
	if f.resamples != 0 {
		cfg.Resamples = f.resamples
	}
	if f.seed != 0 {
		cfg.Seed = f.seed
	}
	if f.confidence != 0 {
		cfg.Confidence = f.confidence
	}
	if f.allowedPct != 0 {
		for k, mc := range cfg.Metrics {
			if mc.Gate {
				mc.AllowedRegressionPct = f.allowedPct
				cfg.Metrics[k] = mc
			}
		}
	}
	if err := cfg.Validate(); err != nil {
		return cfg, fmt.Errorf("config: %w", err)
	}
	return cfg, nil
}

// compare loads both sides and compares them.
func (f *compareFlags) compare() (*check.Report, error) {
	cfg, err := f.loadConfig()
	if err != nil {
		return nil, err
	}
	bf := f.format
	if f.baselineFormat != "" {
		bf = f.baselineFormat
	}
	return check.CompareFiles(f.baseline, bf, f.results, f.format, cfg)
}

// emit writes the reports and returns the error that gives the exit code.
func (f *compareFlags) emit(e *env, rep *check.Report) error {
	if f.markdown != "" {
		if err := writeOut(e, f.markdown, func(w io.Writer) error { return report.WriteMarkdown(w, rep) }); err != nil {
			return err
		}
	}
	if f.json != "" {
		if err := writeOut(e, f.json, func(w io.Writer) error { return report.WriteJSON(w, rep) }); err != nil {
			return err
		}
	}
	if !f.quiet && f.markdown != "-" && f.json != "-" {
		if err := report.WriteTerminal(e.stdout, rep, f.useColor(e)); err != nil {
			return err
		}
	}
	err := rep.Err()
	if err != nil && !errors.Is(err, check.ErrRegression) {
		return fmt.Errorf("%s: %w", f.results, err)
	}
	return err
}

func (f *compareFlags) useColor(e *env) bool {
	switch f.color {
	case "always":
		return true
	case "never":
		return false
	}
	if e.getenv("NO_COLOR") != "" || e.getenv("TERM") == "dumb" {
		return false
	}
	if fd, ok := e.stdout.(interface{ Fd() uintptr }); ok {
		return isatty.IsTerminal(fd.Fd())
	}
	return false
}

// writeOut writes to path ("-": stdout) through write. Files are written
// whole or not at all.
func writeOut(e *env, path string, write func(io.Writer) error) error {
	if path == "-" {
		return write(e.stdout)
	}
	var b strings.Builder
	if err := write(&b); err != nil {
		return err
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	return nil
}
