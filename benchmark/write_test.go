package benchmark

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perfgate/perfgate/results"
)

// TestWriteResultsFileFailure: a results file that cannot be replaced (a
// directory stands where it goes) is an error naming it, and leaves no
// temporary file; the next write replaces an old file whole.
func TestWriteResultsFileFailure(t *testing.T) {
	dir := t.TempDir()
	res := &results.Results{Schema: results.SchemaResultsV1, Suite: results.SuiteName,
		Runs: []results.Run{{Benchmarks: []results.Benchmark{sampleResults()[0].Benchmark()}}}}
	blocked := filepath.Join(dir, "blocked.json")
	if err := os.Mkdir(blocked, 0o755); err != nil {
		t.Fatal(err)
	}
	err := WriteResultsFile(blocked, res)
	if err == nil || !strings.Contains(err.Error(), blocked) {
		t.Errorf("error %v, want one naming %s", err, blocked)
	}
	path := filepath.Join(dir, "r.json")
	if err := os.WriteFile(path, []byte(strings.Repeat("x", 1<<16)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteResultsFile(path, res); err != nil {
		t.Fatal(err)
	}
	if _, err := results.Load(path, ""); err != nil {
		t.Errorf("the replaced file: %v", err)
	}
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 {
		var names []string
		for _, e := range es {
			names = append(names, e.Name())
		}
		t.Errorf("the directory holds %q, want blocked.json and r.json only", names)
	}
}
