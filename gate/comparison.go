package gate

import (
	"fmt"

	"github.com/perfgate/perfgate/benchmark"
	"github.com/perfgate/perfgate/results"
)

// ABComparison is check.Report.Comparison in A/B mode: how the sides
// were run, and which client each side is.
func ABComparison(base, head *results.Results, order benchmark.Order) string {
	n := min(len(base.Runs), len(head.Runs))
	client := func(r *results.Results) string {
		c := r.Environment.ClientCommand
		if c == "" {
			c = "the system's tor"
		}
		if v := r.Environment.ClientVersion; v != "" {
			c += " (" + v + ")"
		}
		return c
	}
	return fmt.Sprintf("interleaved A/B on one private network: %d run%s per side, order %s (%v), a fresh client each run; base (A): %s; head (B): %s",
		n, map[bool]string{true: "", false: "s"}[n == 1], benchmark.ScheduleBlocks(benchmark.Schedule(n, order)), order, client(base), client(head))
}
