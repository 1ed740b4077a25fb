package check

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/perfgate/perfgate/internal/fixture"
	"github.com/perfgate/perfgate/results"
)

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name, yaml, err string
		check           func(t *testing.T, c Config)
	}{
		{"empty is the defaults", "", "", func(t *testing.T, c Config) {
			if c.Metrics[results.MetricCircuitBuildP95].AllowedRegressionPct != 10 || c.Metrics[results.MetricMemorySteadyRSS].Target != 50*results.MiB {
				t.Errorf("%+v", c.Metrics)
			}
		}},
		{"units and overrides", "metrics:\n  circuit_build_p95:\n    target: 2s\n    allowed_regression_pct: 20\n    allowed_regression_abs: 5ms\n  memory_steady_rss:\n    target: 64MiB\n  circuit_build_p99:\n    gate: true\nresamples: 500\n", "", func(t *testing.T, c Config) {
			m := c.Metrics[results.MetricCircuitBuildP95]
			if m.Target != 2 || m.AllowedRegressionPct != 20 || m.AllowedRegressionAbs != 0.005 || !m.Gate {
				t.Errorf("%+v", m)
			}
			if c.Metrics[results.MetricMemorySteadyRSS].Target != 64*results.MiB || !c.Metrics["circuit_build_p99"].Gate || c.Resamples != 500 {
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
	mc := DefaultConfig().Metrics[results.MetricCircuitBuildP95]
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

func FuzzParseConfig(f *testing.F) {
	fixture.AddFile(f, filepath.Join("testdata", "config", "perfgate.yml"))
	f.Add([]byte("metrics:\n  circuit_build_p95:\n    target: 2s\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(data)
		if err != nil {
			fixture.OneLine(t, err)
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("ParseConfig accepted an invalid config: %v", err)
		}
	})
}

func TestConfigGated(t *testing.T) {
	cfg := DefaultConfig()
	if got, want := strings.Join(cfg.Gated(), ","), "circuit_build_p95,memory_steady_rss,stream_capacity"; got != want {
		t.Errorf("DefaultConfig().Gated() = %s, want %s", got, want)
	}
	mc := cfg.Metrics[results.MetricMemorySteadyRSS]
	mc.Gate = false
	cfg.Metrics[results.MetricMemorySteadyRSS] = mc
	if got, want := strings.Join(cfg.Gated(), ","), "circuit_build_p95,stream_capacity"; got != want {
		t.Errorf("without the memory gate: %s, want %s", got, want)
	}
}
