package main

import (
	"context"
	"errors"
	"flag"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/internal/cmdutil"
)

// compareOptions are the options of 'perfgate compare' and 'perfgate report'.
type compareOptions struct {
	baseline, results      string
	format, baselineFormat string
	config                 cmdutil.Config
	output                 cmdutil.Outputs
}

func (o *compareOptions) register(fs *flag.FlagSet) {
	fs.StringVar(&o.baseline, "baseline", "", "baseline `FILE` (a baseline, results, Go benchmark output or go-tor summary); a missing file means no baseline")
	fs.StringVar(&o.results, "results", "", "current results `FILE` (required; same formats)")
	fs.StringVar(&o.format, "format", "auto", "input `FORMAT` of both sides: auto, json, gobench, gotor")
	fs.StringVar(&o.baselineFormat, "baseline-format", "", "input `FORMAT` of the baseline when it differs from --format")
	o.config.Register(fs, true)
	o.output.Register(fs)
}

// compare loads both sides and compares them.
func (o *compareOptions) compare() (*check.Report, error) {
	cfg, err := o.config.Load()
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
	if err := cmdutil.CheckColor("compare", o.output.Color); err != nil {
		return err
	}
	if o.results == "" {
		return errors.New("compare: --results FILE is required (see 'perfgate compare -h')")
	}
	rep, err := o.compare()
	if err != nil {
		return err
	}
	return o.output.Emit(e, rep, o.results)
}
