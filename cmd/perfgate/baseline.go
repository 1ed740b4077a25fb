package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/internal/cmdutil"
	"github.com/perfgate/perfgate/internal/short"
	"github.com/perfgate/perfgate/results"
)

// cmdBaseline is 'perfgate baseline'.
func cmdBaseline(ctx context.Context, e *env, args []string) error {
	fset := newFlags("baseline")
	resultsPath := fset.String("results", "", "results `FILE` to store (required; JSON, Go benchmark output or go-tor summary)")
	out := fset.String("out", "", "baseline `FILE` to write, e.g. baselines/default.json (required)")
	format := fset.String("format", "auto", "input `FORMAT`: auto, json, gobench, gotor")
	keep := fset.Int("keep-runs", 0, "keep the last `K` runs of the existing baseline and the new results; 0 replaces it (default: the existing baseline's own keep_runs)")
	commit := fset.String("commit", "", "commit `SHA` the results are of (default $GITHUB_SHA)")
	ref := fset.String("ref", "", "git `REF` the results are of (default $GITHUB_REF)")
	if err := parseFlags(e, fset, args, false); err != nil {
		return err
	}
	if *resultsPath == "" || *out == "" {
		return errors.New("baseline: --results FILE and --out FILE are required (see 'perfgate baseline -h')")
	}
	if *keep < 0 {
		return errors.New("baseline: --keep-runs must not be negative")
	}
	r, err := results.Load(*resultsPath, *format)
	if err != nil {
		return err
	}
	meta := results.BaselineMeta{Commit: *commit, Ref: *ref, Date: e.Now()}
	if meta.Commit == "" {
		meta.Commit = e.Getenv("GITHUB_SHA")
	}
	if meta.Ref == "" {
		meta.Ref = e.Getenv("GITHUB_REF")
	}
	b, err := check.NewBaseline(r, meta)
	if err != nil {
		return fmt.Errorf("%s: %w; %s left unchanged", *resultsPath, err, *out)
	}
	k := *keep
	if !cmdutil.IsSet(fset, "keep-runs") {
		k = results.KeepInherit
	}
	if k != 0 {
		old, err := results.ReadBaseline(*out)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil && k > 0:
			return fmt.Errorf("%w; remove it or run without --keep-runs", err)
		case err != nil:
			fmt.Fprintf(e.Stderr, "perfgate: replacing %s, which cannot be read: %v\n", *out, err)
		default:
			if merged, why := b.Update(old, k); !merged && why != "" {
				fmt.Fprintf(e.Stderr, "perfgate: not merging with %s: %s; replacing it\n", *out, why)
			}
		}
	}
	if err := results.WriteBaseline(*out, b); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "wrote %s: %d run(s) of suite %s%s\n", *out, len(b.Results.Runs), b.Suite, atCommit(b.Commit))
	return nil
}

// atCommit is " at COMMIT", or "" without a commit.
func atCommit(c string) string {
	if c == "" {
		return ""
	}
	return " at " + short.Commit(c)
}
