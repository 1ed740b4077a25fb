package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/report"
)

// configOptions are the gate's config file and the flags over it.
type configOptions struct {
	path string
	over check.Overrides
}

func (o *configOptions) register(fs *flag.FlagSet, overrides bool) {
	fs.StringVar(&o.path, "config", "", "YAML config `FILE` (targets, allowed regressions, gating); defaults when empty")
	if !overrides {
		return
	}
	fs.IntVar(&o.over.Resamples, "resamples", 0, "bootstrap resamples (overrides the config; default 2000)")
	fs.Uint64Var(&o.over.Seed, "seed", 0, "bootstrap seed (overrides the config; default 1)")
	fs.Float64Var(&o.over.AllowedPct, "allowed-regression", 0, "allowed regression in `PERCENT` for every gated metric with enough runs (overrides the config)")
	fs.Float64Var(&o.over.Confidence, "confidence", 0, "confidence level, e.g. 0.95 (overrides the config)")
}

// load loads the config file (the defaults without one) and applies the
// flags over it.
func (o *configOptions) load() (check.Config, error) {
	cfg := check.DefaultConfig()
	if o.path != "" {
		var err error
		if cfg, err = check.LoadConfig(o.path); err != nil {
			return cfg, err
		}
	}
	return o.over.Apply(cfg)
}

// outputOptions are where a command writes its report.
type outputOptions struct {
	markdown, json, color string
	quiet                 bool
}

func (o *outputOptions) register(fs *flag.FlagSet) {
	fs.StringVar(&o.markdown, "markdown", "", "write the markdown report to `FILE` (- for stdout)")
	fs.StringVar(&o.json, "json", "", "write the JSON verdict to `FILE` (- for stdout)")
	fs.StringVar(&o.color, "color", "auto", "colour the terminal table: auto (only on a TTY, not with NO_COLOR), always, never")
	fs.BoolVar(&o.quiet, "quiet", false, "do not print the terminal table")
}

// emit writes the reports and returns the error that gives the exit code;
// an error verdict names the results file.
func (o *outputOptions) emit(e *env, rep *check.Report, results string) error {
	if o.markdown != "" {
		if err := writeOut(e, o.markdown, func(w io.Writer) error { return report.WriteMarkdown(w, rep) }); err != nil {
			return err
		}
	}
	if o.json != "" {
		if err := writeOut(e, o.json, func(w io.Writer) error { return report.WriteJSON(w, rep) }); err != nil {
			return err
		}
	}
	if !o.quiet && o.markdown != "-" && o.json != "-" {
		if err := report.WriteTerminal(e.stdout, rep, e.color(o.color, e.stdout)); err != nil {
			return err
		}
	}
	err := rep.Err()
	if err != nil && !errors.Is(err, check.ErrRegression) {
		return fmt.Errorf("%s: %w", results, err)
	}
	return err
}

// compareOptions are the options of 'perfgate compare' and 'perfgate report'.
type compareOptions struct {
	baseline, results      string
	format, baselineFormat string
	config                 configOptions
	output                 outputOptions
}

func (o *compareOptions) register(fs *flag.FlagSet) {
	fs.StringVar(&o.baseline, "baseline", "", "baseline `FILE` (a baseline, results, Go benchmark output or go-tor summary); a missing file means no baseline")
	fs.StringVar(&o.results, "results", "", "current results `FILE` (required; same formats)")
	fs.StringVar(&o.format, "format", "auto", "input `FORMAT` of both sides: auto, json, gobench, gotor")
	fs.StringVar(&o.baselineFormat, "baseline-format", "", "input `FORMAT` of the baseline when it differs from --format")
	o.config.register(fs, true)
	o.output.register(fs)
}

// compare loads both sides and compares them.
func (o *compareOptions) compare() (*check.Report, error) {
	cfg, err := o.config.load()
	if err != nil {
		return nil, err
	}
	bf := o.format
	if o.baselineFormat != "" {
		bf = o.baselineFormat
	}
	return check.CompareFiles(o.baseline, bf, o.results, o.format, cfg)
}

// cmdCompare is 'perfgate compare'.
func cmdCompare(ctx context.Context, e *env, args []string) error {
	var o compareOptions
	fs := newFlags("compare")
	o.register(fs)
	if err := parseFlags(e, fs, args, false); err != nil {
		return err
	}
	if err := checkColor("compare", o.output.color); err != nil {
		return err
	}
	if o.results == "" {
		return errors.New("compare: --results FILE is required (see 'perfgate compare -h')")
	}
	rep, err := o.compare()
	if err != nil {
		return err
	}
	return o.output.emit(e, rep, o.results)
}
