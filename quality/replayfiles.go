package quality

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/perfgate/perfgate/results"
)

// ReplayOptions configure ReplayFiles.
type ReplayOptions struct {
	// Eval is the evaluation to replay (ReplaySpec.Options reads one from
	// a command line).
	Eval EvalOptions
	// Markdown, when set, names a file that also receives the table.
	Markdown string
	// Out receives the table; Log a line per pool and the replay's time
	// (nil: nowhere).
	Out, Log io.Writer
}

// ReplayFiles loads collected results files, groups them into pools
// (Pools), replays the evaluation (Evaluate) and writes its table
// (WriteTable) to o.Out and o.Markdown. It fails when the files allow no
// comparison.
func ReplayFiles(paths []string, o ReplayOptions) ([]Cell, error) {
	out, log := orDiscard(o.Out), orDiscard(o.Log)
	files := map[string]*results.Results{}
	for _, p := range paths {
		r, err := results.Load(p, "")
		if err != nil {
			return nil, err
		}
		files[p] = r
	}
	pools := Pools(files)
	for _, p := range pools {
		n, unit := len(p.Runs), "runs"
		if p.Mode == ModeAB {
			n, unit = len(p.Sessions), "sessions"
		}
		fmt.Fprintf(log, "pool %s/%s: %d %s from %s\n", p.Mode, p.Injection, n, unit, strings.Join(p.Files, ", "))
	}
	start := time.Now()
	cells, err := Evaluate(pools, o.Eval)
	if err != nil {
		return nil, err
	}
	if len(cells) == 0 {
		return nil, errors.New("nothing to compare: need at least 2×runs-per-side A/A runs (stored mode) or an A/B session")
	}
	var table bytes.Buffer
	if err := WriteTable(&table, cells); err != nil {
		return cells, err
	}
	if _, err := out.Write(table.Bytes()); err != nil {
		return cells, err
	}
	fmt.Fprintf(log, "replayed %d lines in %.1fs\n", len(cells), time.Since(start).Seconds())
	if o.Markdown != "" {
		if err := results.WriteFileAtomic(o.Markdown, table.Bytes(), 0o644); err != nil {
			return cells, fmt.Errorf("markdown table: %w", err)
		}
	}
	return cells, nil
}

// orDiscard is w, or io.Discard when w is nil.
func orDiscard(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}
