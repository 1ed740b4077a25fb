package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/perfgate/perfgate/internal/cmdutil"
	"github.com/perfgate/perfgate/results"
)

// exportFormats are the formats 'perfgate export' writes.
var exportFormats = []string{"benchfmt"}

// cmdExport is 'perfgate export'.
func cmdExport(ctx context.Context, e *env, args []string) error {
	fs := newFlags("export")
	format := fs.String("format", "benchfmt", "output `FORMAT`: benchfmt (Go benchmark format)")
	inFormat := fs.String("input-format", "auto", "input `FORMAT`: auto, json, gobench, gotor")
	out := fs.String("out", "-", "write the export to `FILE` (- for stdout)")
	if err := parseFlags(e, fs, args, true); err != nil {
		return err
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
	return cmdutil.WriteOut(e, *out, func(w io.Writer) error { return results.WriteBenchfmt(w, r) })
}
