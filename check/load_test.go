package check

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func resultsJSON(t *testing.T, r *Results) string {
	t.Helper()
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestLoadBadInput(t *testing.T) {
	dir := t.TempDir()
	good := resultsJSON(t, noiseResults(t, 1, 1))
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
			p := writeFile(t, dir, tc.file, tc.content)
			_, err := Load(p, tc.format)
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
		_, err := Load(huge, "")
		if err == nil || !strings.Contains(err.Error(), "file too large") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("missing file", func(t *testing.T) {
		_, err := Load(filepath.Join(dir, "nope.json"), "")
		if err == nil || !strings.Contains(err.Error(), "nope.json: cannot open") {
			t.Errorf("error %v", err)
		}
	})
}

func TestLoadFormats(t *testing.T) {
	dir := t.TempDir()
	native := writeFile(t, dir, "r.json", resultsJSON(t, noiseResults(t, 1, 1, 2)))
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
			r, err := Load(tc.path, tc.format)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Runs) != tc.runs || r.Source != tc.source {
				t.Errorf("%d runs from %q, want %d from %q", len(r.Runs), r.Source, tc.runs, tc.source)
			}
			for _, m := range Metrics {
				if !m.Gates {
					continue
				}
				rm, err := extractRuns(r, m, nil)
				if err != nil || len(rm) != tc.runs {
					t.Errorf("%s: %d runs, err %v", m.Key, len(rm), err)
				}
			}
		})
	}
}

func TestGoTorMapping(t *testing.T) {
	r, err := Load(filepath.Join("testdata", "gotor", "go-tor-benchmark-all.txt"), "")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Compare(nil, r, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{
		MetricCircuitBuildP95:    1.094220442,
		MetricMemorySteadyRSS:    0.14471435546875 * MiB,
		MetricStreamCapacity:     200,
		"circuit_build_pool_p95": 0.001113522,
		"stream_p95":             0.009310732,
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
	b := findBench(&r.Runs[0], BenchCircuitBuild)
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
	r, err := ParseGoTor([]byte(s[:i]+s[j:]), "cut.txt")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(r.Notes, "\n"), "memory_steady_rss is missing") {
		t.Errorf("notes %q", r.Notes)
	}
	rep, err := Compare(nil, r, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Verdict != VerdictError || metricOf(t, rep, MetricMemorySteadyRSS).Status != StatusError {
		t.Errorf("verdict %s", rep.Verdict)
	}
}

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name, yaml, err string
		check           func(t *testing.T, c Config)
	}{
		{"empty is the defaults", "", "", func(t *testing.T, c Config) {
			if c.Metrics[MetricCircuitBuildP95].AllowedRegressionPct != 10 || c.Metrics[MetricMemorySteadyRSS].Target != 50*MiB {
				t.Errorf("%+v", c.Metrics)
			}
		}},
		{"units and overrides", "metrics:\n  circuit_build_p95:\n    target: 2s\n    allowed_regression_pct: 20\n    allowed_regression_abs: 5ms\n  memory_steady_rss:\n    target: 64MiB\n  circuit_build_p99:\n    gate: true\nresamples: 500\n", "", func(t *testing.T, c Config) {
			m := c.Metrics[MetricCircuitBuildP95]
			if m.Target != 2 || m.AllowedRegressionPct != 20 || m.AllowedRegressionAbs != 0.005 || !m.Gate {
				t.Errorf("%+v", m)
			}
			if c.Metrics[MetricMemorySteadyRSS].Target != 64*MiB || !c.Metrics["circuit_build_p99"].Gate || c.Resamples != 500 {
				t.Errorf("%+v", c)
			}
		}},
		{"unknown metric", "metrics:\n  circuit_p95:\n    gate: true\n", `unknown metric "circuit_p95"`, nil},
		{"unknown key", "metrics:\n  circuit_build_p95:\n    gates: true\n", "line 3: field gates not found", nil},
		{"bad quantity", "metrics:\n  circuit_build_p95:\n    target: fast\n", "line 3", nil},
		{"bad confidence", "confidence: 2\n", "confidence 2", nil},
		{"invalid YAML", "metrics: [\n", "invalid YAML", nil},
		{"negative allowance", "metrics:\n  stream_capacity:\n    allowed_regression_pct: -5\n", "allowed_regression_pct -5", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseConfig([]byte(tc.yaml))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || strings.Contains(err.Error(), "\n") {
					t.Fatalf("error %v, want one line with %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, c)
		})
	}
	t.Run("the shipped example states the defaults", func(t *testing.T) {
		// README points at it as the documented defaults: it must not drift.
		c, err := LoadConfig(filepath.Join("testdata", "config", "perfgate.yml"))
		if err != nil {
			t.Fatal(err)
		}
		if d := DefaultConfig(); !reflect.DeepEqual(c, d) {
			t.Errorf("testdata/config/perfgate.yml says\n%+v\nDefaultConfig() is\n%+v", c, d)
		}
	})
}

func TestAllowedPctFewRuns(t *testing.T) {
	mc := DefaultConfig().Metrics[MetricCircuitBuildP95]
	for _, tc := range []struct {
		runs int
		want float64
	}{{1, 80}, {2, 15}, {3, 10}, {4, 10}, {5, 10}, {10, 10}} {
		t.Run("", func(t *testing.T) {
			if got := mc.allowedPct(tc.runs, 5); got != tc.want {
				t.Errorf("%d runs: %g %%, want %g %%", tc.runs, got, tc.want)
			}
		})
	}
}

func TestBaseline(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "baselines", "main.json")
	r := noiseResults(t, 1, 1, 2)
	b, err := NewBaseline(r, BaselineMeta{Commit: "abc123", Ref: "refs/heads/main", Date: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteBaseline(out, b); err != nil {
		t.Fatal(err)
	}
	got, err := ReadBaseline(out)
	if err != nil {
		t.Fatal(err)
	}
	if got.Commit != "abc123" || len(got.Results.Runs) != 2 || got.Environment.CPUModel != "Test CPU" {
		t.Errorf("read back %+v", got)
	}
	if rr, err := Load(out, ""); err != nil || len(rr.Runs) != 2 {
		t.Errorf("Load of a baseline: %v", err)
	}
	orig, _ := os.ReadFile(out)

	t.Run("a failed run is refused", func(t *testing.T) {
		bad := mutate(r, func(r *Results) { r.Runs[1].Error = "tor died" })
		if _, err := NewBaseline(bad, BaselineMeta{}); err == nil || !strings.Contains(err.Error(), "tor died") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("a partial run is refused", func(t *testing.T) {
		bad := mutate(r, func(r *Results) { r.Runs[1].Benchmarks = r.Runs[1].Benchmarks[:1] })
		if _, err := NewBaseline(bad, BaselineMeta{}); err == nil || !strings.Contains(err.Error(), "missing from 1 of 2 runs") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("a metric the suite does not measure is not partial", func(t *testing.T) {
		none := mutate(r, func(r *Results) {
			for i := range r.Runs {
				r.Runs[i].Benchmarks = r.Runs[i].Benchmarks[:2]
			}
		})
		if _, err := NewBaseline(none, BaselineMeta{}); err != nil {
			t.Error(err)
		}
	})
	t.Run("an invalid baseline is not written", func(t *testing.T) {
		bad := *b
		bad.Schema = "nope"
		if err := WriteBaseline(out, &bad); err == nil {
			t.Error("no error")
		}
		now, _ := os.ReadFile(out)
		if string(now) != string(orig) {
			t.Error("the baseline changed")
		}
		entries, _ := os.ReadDir(filepath.Dir(out))
		if len(entries) != 1 {
			t.Errorf("left files behind: %v", entries)
		}
	})
	t.Run("keep runs merges up to K", func(t *testing.T) {
		nb, _ := NewBaseline(noiseResults(t, 1, 3, 4), BaselineMeta{})
		merged, why := nb.MergeRuns(got, 3)
		if !merged || why != "" || len(nb.Results.Runs) != 3 || nb.Results.Runs[2].Index != 2 {
			t.Fatalf("merged %v (%s), %d runs", merged, why, len(nb.Results.Runs))
		}
		// The oldest run went: the last three are networks 2, 3, 4.
		if findBench(&nb.Results.Runs[0], BenchCircuitBuild).LatenciesS[0] != noiseNetwork(t, 2, 1).Benchmarks[0].LatenciesS[0] {
			t.Error("kept the wrong runs")
		}
	})
	t.Run("keep runs does not mix environments", func(t *testing.T) {
		other := noiseResults(t, 1, 3)
		other.Environment.TorVersion = "0.4.8.0"
		nb, _ := NewBaseline(other, BaselineMeta{})
		merged, why := nb.MergeRuns(got, 5)
		if merged || !strings.Contains(why, "tor 0.4.9.11 → 0.4.8.0") {
			t.Errorf("merged %v (%s)", merged, why)
		}
	})
	t.Run("results are not a baseline", func(t *testing.T) {
		p := writeFile(t, dir, "results.json", resultsJSON(t, r))
		if _, err := ReadBaseline(p); err == nil || !strings.Contains(err.Error(), "not a baseline file") {
			t.Errorf("error %v", err)
		}
	})
}
