package main

import (
	"context"
	"errors"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/report"
)

const reportUsage = `usage: perfgate report --verdict FILE [--markdown FILE] [--json FILE]
       perfgate report --results FILE [--baseline FILE] [--config FILE] [--markdown FILE] [--json FILE]

Renders a report: from a JSON verdict written by 'perfgate compare --json',
or by comparing results as 'perfgate compare' does. The terminal table goes
to stdout unless --quiet or an output is "-". The exit code is the
verdict's: 0 pass, 1 regression or missed target, 2 error.
`

// cmdReport is 'perfgate report'.
func cmdReport(ctx context.Context, e *env, args []string) error {
	f := newCompareFlags("report", reportUsage, e)
	var verdict string
	f.fs.StringVar(&verdict, "verdict", "", "JSON verdict `FILE` written by 'perfgate compare --json'")
	if err := f.parse(e, args, reportUsage); err != nil {
		return err
	}
	var rep *check.Report
	var err error
	switch {
	case verdict != "" && f.results != "":
		return errors.New("report: give --verdict or --results, not both")
	case verdict != "":
		rep, err = report.ReadReport(verdict)
		f.results = verdict
	case f.results != "":
		rep, err = f.compare()
	default:
		return errors.New("report: --verdict FILE or --results FILE is required (see 'perfgate report -h')")
	}
	if err != nil {
		return err
	}
	return f.emit(e, rep)
}
