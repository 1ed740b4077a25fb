package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"

	"github.com/perfgate/perfgate/results"
)

const exportUsage = `usage: perfgate export [--format benchfmt] [--input-format F] [--out FILE] RESULTS

Writes results in another format. benchfmt is the Go benchmark format
(golang.org/x/perf/benchfmt) that benchstat and the other benchfmt tools
read: one result line per sample (sec/op for latencies, rss-B for RSS, a
line of streams, ok-streams, p95-sec and pass per stream level), file
configuration lines for the environment (goos, cpu, tor-version, client,
...) and the run index. perfgate reads it back with the same gated values.

  perfgate export results.json > results.txt
  benchstat -ignore run base.txt results.txt     # runs pooled
  benchstat -col label -ignore run ab.txt        # interleaved A/B, side by side

RESULTS is a results file, a baseline, Go benchmark output or go-tor's
summary. The export goes to stdout unless --out names a file.
`

// exportFormats are the formats 'perfgate export' writes.
var exportFormats = []string{"benchfmt"}

// cmdExport is 'perfgate export'.
func cmdExport(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	format := fs.String("format", "benchfmt", "output `FORMAT`: benchfmt (Go benchmark format)")
	inFormat := fs.String("input-format", "auto", "input `FORMAT`: auto, json, gobench, gotor")
	out := fs.String("out", "-", "write the export to `FILE` (- for stdout)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(e.stdout, exportUsage, "\nFlags:\n")
			fs.SetOutput(e.stdout)
			fs.PrintDefaults()
			fmt.Fprintln(e.stdout, "\nExit codes: 0 written, 2 error.")
			return errHelp
		}
		return fmt.Errorf("export: %v (see 'perfgate export -h')", err)
	}
	if !slices.Contains(exportFormats, *format) {
		return fmt.Errorf("export: --format %q: want benchfmt", *format)
	}
	if fs.NArg() != 1 {
		return errors.New("export: want one results FILE (see 'perfgate export -h')")
	}
	r, err := results.Load(fs.Arg(0), *inFormat)
	if err != nil {
		return err
	}
	return writeOut(e, *out, func(w io.Writer) error { return results.WriteBenchfmt(w, r) })
}
