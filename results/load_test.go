package results_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/internal/fixture"
	"github.com/perfgate/perfgate/results"
)

func TestLoadBadInput(t *testing.T) {
	dir := t.TempDir()
	good := fixture.JSON(t, fixture.Results(t, 1, 1))
	huge := filepath.Join(dir, "huge.json")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 30); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	f.Close()
	tests := []struct {
		name, file, content, format, want string
	}{
		{"truncated JSON", "trunc.json", good[:len(good)/2], "", "trunc.json:"},
		{"invalid JSON", "bad.json", "{\n  \"schema\": \"perfgate/results/v1\",\n  \"runs\": [}\n", "", "bad.json:3: invalid JSON"},
		{"unknown schema", "v9.json", `{"schema": "perfgate/results/v9", "runs": []}`, "", `unknown schema "perfgate/results/v9"`},
		{"no schema", "noschema.json", `{"runs": []}`, "", "no schema field"},
		{"NaN as a string", "nan.json", strings.Replace(good, `"latencies_s": [`, `"latencies_s": ["NaN", `, 1), "", "is not a float64"},
		{"absurd uint", "absurd.json", strings.Replace(good, `"rss": 19554304`, `"rss": 1e30`, 1), "", "absurd.json:"},
		{"empty file", "empty.json", "", "", "empty file"},
		{"whitespace only", "blank.txt", "  \n\n", "", "empty file"},
		{"unrecognised text", "what.txt", "hello\nworld\n", "", "unrecognised format"},
		{"unknown format", "x.json", good, "xml", `unknown format "xml"`},
		{"gobench syntax error", "bench.txt", "BenchmarkX 10 notanumber ns/op\n", "", "bench.txt:1:"},
		{"gobench absurd latency", "bench2.txt", "BenchmarkCircuitBuild 1 -5 ns/op\n", "", "bench2.txt:1: CircuitBuild: -5e-09 sec/op is not a plausible latency"},
		{"gotor bad duration", "gotor.txt", "BENCHMARK RESULTS SUMMARY\n\nCircuit Build Performance\n  Duration: forever\n", "", "gotor.txt:4: Duration: bad duration"},
		{"gotor no blocks", "gotor2.txt", "BENCHMARK RESULTS SUMMARY\n", "", "no benchmark blocks"},
		{"gotor scaling without count", "gotor3.txt", "BENCHMARK RESULTS SUMMARY\nStream Scaling (many)\n", "", "gotor3.txt:2: stream scaling block"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := fixture.File(t, dir, tc.file, tc.content)
			_, err := results.Load(p, tc.format)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") || !strings.Contains(msg, tc.file) {
				t.Errorf("error %q: want one line naming %s with %q", msg, tc.file, tc.want)
			}
		})
	}
	t.Run("1 GiB file", func(t *testing.T) {
		_, err := results.Load(huge, "")
		if err == nil || !strings.Contains(err.Error(), "file too large") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("missing file", func(t *testing.T) {
		_, err := results.Load(filepath.Join(dir, "nope.json"), "")
		if err == nil || !strings.Contains(err.Error(), "nope.json: cannot open") {
			t.Errorf("error %v", err)
		}
	})
}

func TestLoadFormats(t *testing.T) {
	dir := t.TempDir()
	native := fixture.File(t, dir, "r.json", fixture.JSON(t, fixture.Results(t, 1, 1, 2)))
	tests := []struct {
		name, path, format string
		runs               int
		source             string
	}{
		{"native JSON", native, "", 2, "perfgate"},
		{"native JSON named", native, "json", 2, "perfgate"},
		{"Go benchmark format", filepath.Join("testdata", "gobench", "example.txt"), "", 5, "gobench"},
		{"go-tor summary", filepath.Join("testdata", "gotor", "go-tor-benchmark-all.txt"), "auto", 1, "gotor-summary"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := results.Load(tc.path, tc.format)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Runs) != tc.runs || r.Source != tc.source {
				t.Errorf("%d runs from %q, want %d from %q", len(r.Runs), r.Source, tc.runs, tc.source)
			}
			for _, m := range results.Metrics {
				if !m.Gates {
					continue
				}
				rm := runValues(r, m)
				if len(rm) != tc.runs {
					t.Errorf("%s: %d runs", m.Key, len(rm))
				}
			}
		})
	}
}

func TestGoTorMapping(t *testing.T) {
	r, err := results.Load(filepath.Join("testdata", "gotor", "go-tor-benchmark-all.txt"), "")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := check.Compare(nil, r, check.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{
		results.MetricCircuitBuildP95: 1.094220442,
		results.MetricMemorySteadyRSS: 0.14471435546875 * results.MiB,
		results.MetricStreamCapacity:  200,
		"circuit_build_pool_p95":      0.001113522,
		"stream_p95":                  0.009310732,
	}
	for k, v := range want {
		t.Run(k, func(t *testing.T) {
			m := metricOf(t, rep, k)
			if m.Current == nil || m.Current.Value != v {
				t.Errorf("%s = %+v, want %g", k, m.Current, v)
			}
		})
	}
	if r.Environment.ClientName != "go-tor" || r.Environment.ClientVersion != "0.1.0-dev" {
		t.Errorf("environment %+v", r.Environment)
	}
	if !strings.Contains(strings.Join(rep.Warnings, "\n"), "memory_growth_bytes = 16 EiB is implausible") {
		t.Errorf("the 16 EiB underflow is not flagged: %q", rep.Warnings)
	}
	b := r.Runs[0].Find(results.BenchCircuitBuild)
	if b.DurationS < 104.9 || b.DurationS > 105 || b.TotalOperations != 100 || b.MemoryInUse != uint64(146.5*1024) {
		t.Errorf("circuit build block read as %+v", b)
	}
}

func TestGoTorMissingMetric(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "gotor", "go-tor-benchmark-all.txt"))
	if err != nil {
		t.Fatal(err)
	}
	// Without the memory block, memory_steady_rss is missing: noted, and an error when it gates.
	s := string(data)
	i := strings.Index(s, "Memory Usage in Steady State\n  Duration")
	j := strings.Index(s, "Memory Leak Detection\n  Duration")
	r, err := results.ParseGoTor([]byte(s[:i]+s[j:]), "cut.txt")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(r.Notes, "\n"), "memory_steady_rss is missing") {
		t.Errorf("notes %q", r.Notes)
	}
	rep, err := check.Compare(nil, r, check.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Verdict != check.VerdictError || metricOf(t, rep, results.MetricMemorySteadyRSS).Status != check.StatusError {
		t.Errorf("verdict %s", rep.Verdict)
	}
}
