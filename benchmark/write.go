package benchmark

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/perfgate/perfgate/results"
)

// WriteResultsFile writes res as indented JSON to path, atomically (a
// temporary file in the same directory, then a rename).
func WriteResultsFile(path string, res *results.Results) error {
	data, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding results: %w", err)
	}
	data = append(data, '\n')
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".results-*.json")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
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
