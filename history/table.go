package history

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/internal/short"
	"github.com/perfgate/perfgate/results"
)

// WriteTable writes h as a table, one row per commit: date, commit, ref,
// runs and the median of each gated metric.
func WriteTable(out io.Writer, h *History) error {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	head := []string{"DATE", "COMMIT", "REF", "RUNS"}
	var gated []results.Metric
	for _, m := range results.Metrics {
		if m.Gates {
			gated = append(gated, m)
			head = append(head, m.Key)
		}
	}
	fmt.Fprintln(w, strings.Join(head, "\t"))
	for _, en := range h.Entries {
		row := []string{en.Date.UTC().Format("2006-01-02 15:04"), short.Commit(en.Commit), en.Ref, fmt.Sprint(en.Runs)}
		for _, m := range gated {
			v, ok := en.Median(m.Key)
			cell := "–"
			if ok {
				cell = check.FormatValue(v, m.Unit)
			}
			row = append(row, cell)
		}
		fmt.Fprintln(w, strings.Join(row, "\t"))
	}
	return w.Flush()
}
