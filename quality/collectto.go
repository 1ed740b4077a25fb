package quality

import (
	"context"
	"fmt"
	"io"

	"github.com/perfgate/perfgate/benchmark"
	"github.com/perfgate/perfgate/results"
)

// CollectTo runs Collect(ctx, o) into the results file at path, which it
// rewrites after every run (benchmark.WriteResultsFile: a temporary file
// in the same directory renamed over path), so that an interrupted
// collection keeps what it measured. With prev the file holds prev's runs
// followed by the new ones, renumbered: a file topped up. log receives a
// line saying what is collected where, and Collect's lines (CollectTo sets
// o.Log and o.Checkpoint). It returns what Collect returns: the new runs.
func CollectTo(ctx context.Context, path string, o CollectOptions, prev *results.Results, log io.Writer) (*results.Results, error) {
	log = orDiscard(log)
	o.Log = log
	fmt.Fprintf(log, "collecting %d %s run(s) into %s: injection %s\n", o.Runs, o.Mode, path, o.Injection)
	o.Checkpoint = func(r *results.Results) error {
		return benchmark.WriteResultsFile(path, appended(prev, r))
	}
	return Collect(ctx, o)
}

// appended is r with prev's runs before its own, renumbered (r itself
// when prev is nil).
func appended(prev, r *results.Results) *results.Results {
	if prev == nil {
		return r
	}
	merged := *r
	merged.Runs = append(append([]results.Run(nil), prev.Runs...), r.Runs...)
	for i := range merged.Runs {
		merged.Runs[i].Index = i
	}
	merged.Settings.Runs = len(merged.Runs)
	return &merged
}

// TopUp makes the stored-mode results file at path hold at least o.Runs
// successful runs with o.Injection, collecting only the missing ones
// (CollectTo; the file's failed runs are dropped from it). A file that
// holds enough is left as it is, and said so on log.
func TopUp(ctx context.Context, path string, o CollectOptions, log io.Writer) error {
	log = orDiscard(log)
	var prev *results.Results
	have := 0
	if r, err := results.Load(path, ""); err == nil {
		r.Runs = succeeded(r.Runs)
		prev, have = r, len(r.Runs)
	}
	if have >= o.Runs {
		fmt.Fprintf(log, "reusing %s: %d runs\n", path, have)
		return nil
	}
	o.Mode, o.Runs = ModeStored, o.Runs-have
	_, err := CollectTo(ctx, path, o, prev, log)
	return err
}
