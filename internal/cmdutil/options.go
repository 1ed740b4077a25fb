package cmdutil

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/report"
)

// Config is the gate's config file and the flags over it.
type Config struct {
	Path      string
	Overrides check.Overrides
}

// Register declares --config and, with overrides, the flags over it.
func (o *Config) Register(fs *flag.FlagSet, overrides bool) {
	fs.StringVar(&o.Path, "config", "", "YAML config `FILE` (targets, allowed regressions, gating); defaults when empty")
	if !overrides {
		return
	}
	fs.IntVar(&o.Overrides.Resamples, "resamples", 0, "bootstrap resamples (overrides the config; default 2000)")
	fs.Uint64Var(&o.Overrides.Seed, "seed", 0, "bootstrap seed (overrides the config; default 1)")
	fs.Float64Var(&o.Overrides.AllowedPct, "allowed-regression", 0, "allowed regression in `PERCENT` for every gated metric with enough runs (overrides the config)")
	fs.Float64Var(&o.Overrides.Confidence, "confidence", 0, "confidence level, e.g. 0.95 (overrides the config)")
}

// Load loads the config file (the defaults without one) and applies the
// flags over it.
func (o *Config) Load() (check.Config, error) {
	cfg := check.DefaultConfig()
	if o.Path != "" {
		var err error
		if cfg, err = check.LoadConfig(o.Path); err != nil {
			return cfg, err
		}
	}
	return o.Overrides.Apply(cfg)
}

// Outputs are where a command writes its report.
type Outputs struct {
	Markdown, JSON, Color string
	Quiet                 bool
}

// Register declares the output flags.
func (o *Outputs) Register(fs *flag.FlagSet) {
	fs.StringVar(&o.Markdown, "markdown", "", "write the markdown report to `FILE` (- for stdout)")
	fs.StringVar(&o.JSON, "json", "", "write the JSON verdict to `FILE` (- for stdout)")
	fs.StringVar(&o.Color, "color", "auto", "colour the terminal table: auto (only on a TTY, not with NO_COLOR), always, never")
	fs.BoolVar(&o.Quiet, "quiet", false, "do not print the terminal table")
}

// Emit writes the reports and returns the error that gives the exit code;
// an error verdict names the results file.
func (o *Outputs) Emit(e *Env, rep *check.Report, results string) error {
	if o.Markdown != "" {
		if err := WriteOut(e, o.Markdown, func(w io.Writer) error { return report.WriteMarkdown(w, rep) }); err != nil {
			return err
		}
	}
	if o.JSON != "" {
		if err := WriteOut(e, o.JSON, func(w io.Writer) error { return report.WriteJSON(w, rep) }); err != nil {
			return err
		}
	}
	if !o.Quiet && o.Markdown != "-" && o.JSON != "-" {
		if err := report.WriteTerminal(e.Stdout, rep, e.Color(o.Color, e.Stdout)); err != nil {
			return err
		}
	}
	err := rep.Err()
	if err != nil && !errors.Is(err, check.ErrRegression) {
		return fmt.Errorf("%s: %w", results, err)
	}
	return err
}
