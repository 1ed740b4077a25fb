package main

import (
	"context"
	"errors"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/internal/cmdutil"
	"github.com/perfgate/perfgate/report"
)

// cmdReport is 'perfgate report': a stored verdict rendered again, or a
// comparison as 'perfgate compare' makes it.
func cmdReport(ctx context.Context, e *env, args []string) error {
	var o compareOptions
	var verdict string
	fs := newFlags("report")
	o.register(fs)
	fs.StringVar(&verdict, "verdict", "", "JSON verdict `FILE` written by 'perfgate compare --json'")
	if err := parseFlags(e, fs, args, false); err != nil {
		return err
	}
	if err := cmdutil.CheckColor("report", o.output.Color); err != nil {
		return err
	}
	var rep *check.Report
	var err error
	switch {
	case verdict != "" && o.results != "":
		return errors.New("report: give --verdict or --results, not both")
	case verdict != "":
		rep, err = report.ReadReport(verdict)
		o.results = verdict
	case o.results != "":
		rep, err = o.compare()
	default:
		return errors.New("report: --verdict FILE or --results FILE is required (see 'perfgate report -h')")
	}
	if err != nil {
		return err
	}
	return o.output.Emit(e, rep, o.results)
}
