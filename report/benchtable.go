package report

import (
	"fmt"
	"sort"
	"strings"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/results"
)

var benchHeader = []string{"Benchmark", "Runs ok", "Ops", "Ops/s", "p50", "p95", "p99", "Max", "Samples", "Failures"}

func benchRow(bm check.BenchmarkRow, esc func(string) string) []string {
	lat := func(v float64) string {
		if v == 0 {
			return "–"
		}
		return check.FormatValue(v, results.UnitSeconds)
	}
	return []string{esc(bm.Name), fmt.Sprintf("%d/%d", bm.Succeeded, bm.Runs), fmt.Sprint(bm.Operations), check.FormatFloat(bm.OpsPerSec, 2),
		lat(bm.P50S), lat(bm.P95S), lat(bm.P99S), lat(bm.MaxS), fmt.Sprint(bm.Samples), fmt.Sprint(bm.Failures)}
}

// extraLine lists a benchmark's errors and additional metrics.
func extraLine(bm check.BenchmarkRow) string {
	var parts []string
	for _, e := range bm.Errors {
		parts = append(parts, "error: "+e)
	}
	keys := make([]string, 0, len(bm.Extra))
	for k := range bm.Extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := bm.Extra[k]
		if u := results.UnitOfExtra(k); u != "" {
			parts = append(parts, k+" "+check.FormatValue(v, u))
		} else {
			parts = append(parts, k+" "+trimG(v))
		}
	}
	return strings.Join(parts, ", ")
}

func trimG(v float64) string { return fmt.Sprintf("%.6g", v) }
