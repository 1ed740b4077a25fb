package main

import (
	"context"
	"fmt"

	"github.com/perfgate/perfgate/changepoint"
	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/history"
)

// cmdHistory is 'perfgate history' and 'perfgate history changes'.
func cmdHistory(ctx context.Context, e *env, args []string) error {
	changes := len(args) > 0 && args[0] == "changes"
	name := "history"
	if changes {
		name, args = "history changes", args[1:]
	}
	fs := newFlags(name)
	file := fs.String("file", history.DefaultPath, "history `FILE`")
	metric := fs.String("metric", "", "changes: only this metric `KEY` (default: the gated ones)")
	if err := parseFlags(e, fs, args, false); err != nil {
		return err
	}
	h, err := history.Read(*file)
	if h == nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if !changes {
		if perr := history.WriteTable(e.Stdout, h); perr != nil {
			return perr
		}
		return err // one "file:line: reason" per invalid line
	}
	keys := []string{*metric}
	if *metric == "" {
		keys = check.DefaultConfig().Gated()
	}
	worse := 0
	for _, k := range keys {
		cs, cerr := history.Changes(h, k, changepoint.Options{})
		if cerr != nil {
			return fmt.Errorf("%s: %s: %w", name, k, cerr)
		}
		for _, c := range cs {
			fmt.Fprintln(e.Stdout, c)
			if c.Worse {
				worse++
			}
		}
	}
	if err != nil {
		return err
	}
	if worse > 0 {
		return fmt.Errorf("%w: %d step change(s) for the worse in %s", check.ErrRegression, worse, *file)
	}
	fmt.Fprintf(e.Stdout, "no step change for the worse in %d commit(s) of %s\n", len(h.Entries), *file)
	return nil
}
