package benchmark

import (
	"encoding/json"
	"fmt"

	"github.com/perfgate/perfgate/results"
)

// WriteResultsFile writes res as indented JSON to path, atomically
// (results.WriteFileAtomic: a temporary file in the same directory, synced,
// then renamed over path), so that a reader never sees it half written and
// a failure leaves the previous file as it was.
func WriteResultsFile(path string, res *results.Results) error {
	data, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding results for %s: %w", path, err)
	}
	data = append(data, '\n')
	if err := results.WriteFileAtomic(path, data, 0o644); err != nil {
		return fmt.Errorf("writing results: %w", err)
	}
	return nil
}

// SuiteResults returns the results of the benchmarks run so far as one
// run, for writing a results file from the seed's API.
func (s *Suite) SuiteResults() results.Run {
	var run results.Run
	for _, r := range s.Results() {
		run.Benchmarks = append(run.Benchmarks, r.Benchmark())
	}
	return run
}
