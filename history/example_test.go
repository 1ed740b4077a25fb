package history_test

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/perfgate/perfgate/changepoint"
	"github.com/perfgate/perfgate/history"
	"github.com/perfgate/perfgate/results"
)

// job stands for the suite's results of commit i: one run of 20 circuit
// builds of about 60 ms, 20 % slower from commit 8 on.
func job(i int) *results.Results {
	scale := 1.0
	if i >= 8 {
		scale = 1.2
	}
	var lat []float64
	for k := range 20 {
		lat = append(lat, scale*(0.060+0.001*float64((k*7+i*3)%11)))
	}
	return &results.Results{Schema: results.SchemaResultsV1, Suite: results.SuiteName,
		Environment: results.Environment{OS: "linux", Arch: "amd64", CPUModel: "Example CPU", Cores: 2, TorVersion: "0.4.9.11"},
		Runs: []results.Run{{Benchmarks: []results.Benchmark{
			{Key: results.BenchCircuitBuild, Success: true, LatenciesS: lat},
		}}}}
}

// The baseline job of each push to the default branch reads the history,
// appends the commit's entry and writes it back; then it looks for step
// changes.
func Example() {
	dir, err := os.MkdirTemp("", "history")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, history.DefaultPath)
	start := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

	for i := range 14 {
		h, err := history.Read(path) // a missing file is an empty history
		if h == nil {
			fmt.Println(err)
			return
		}
		for _, bad := range h.Invalid { // lines kept as they are, reported
			fmt.Println("warning:", bad)
		}
		commit, parent := fmt.Sprintf("c%02d", i), fmt.Sprintf("c%02d", i-1)
		e, err := history.NewEntry(job(i), commit, parent, "refs/heads/main", start.Add(time.Duration(i)*time.Hour))
		if err != nil {
			fmt.Println(err)
			return
		}
		h.Append(e, history.DefaultMax)
		if err := history.Write(path, h); err != nil {
			fmt.Println(err)
			return
		}
	}

	h, err := history.Read(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	values, commits, _ := h.Series(results.MetricCircuitBuildP95)
	fmt.Printf("%d commits, %s: %.1f ms … %s: %.1f ms\n", len(values), commits[0], 1e3*values[0], commits[13], 1e3*values[13])
	changes, err := history.Changes(h, results.MetricCircuitBuildP95, changepoint.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range changes {
		fmt.Println(c, "worse:", c.Worse)
	}
	// Output:
	// 14 commits, c00: 70.0 ms … c13: 82.9 ms
	// circuit_build_p95: +20.0 % from c07..c08 (p = 0.005) worse: true
}
