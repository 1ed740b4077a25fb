package results

import (
	"errors"
	"fmt"
)

// Validate checks what every reader relies on: the schema, a suite name,
// at least one run, and benchmark keys.
func (r *Results) Validate() error {
	if r.Schema != SchemaResultsV1 {
		return fmt.Errorf("unknown schema %q: want %s", r.Schema, SchemaResultsV1)
	}
	if r.Suite == "" {
		return errors.New("no suite name")
	}
	if len(r.Runs) == 0 {
		return errors.New("no runs")
	}
	for i := range r.Runs {
		for j := range r.Runs[i].Benchmarks {
			if r.Runs[i].Benchmarks[j].Key == "" {
				return fmt.Errorf("run %d, benchmark %d: no key", r.Runs[i].Index, j+1)
			}
		}
	}
	return nil
}
