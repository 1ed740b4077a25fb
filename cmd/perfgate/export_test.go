package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/results"
)

func TestExportCommand(t *testing.T) {
	dir := t.TempDir()
	passJSON := filepath.Join("..", "..", "action", "testdata", "action", "results", "pass.json")
	orig, err := results.Load(passJSON, "")
	if err != nil {
		t.Fatal(err)
	}
	// gated reads the gated metrics' values of a results file.
	gated := func(t *testing.T, path string) map[string]float64 {
		t.Helper()
		r, err := results.Load(path, "")
		if err != nil {
			t.Fatal(err)
		}
		rep, err := check.Compare(nil, r, check.DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		v := map[string]float64{}
		for _, m := range rep.Metrics {
			if m.Gated && m.Current != nil {
				v[m.Key] = m.Current.Value
			}
		}
		return v
	}
	want := gated(t, passJSON)
	if len(want) != 3 {
		t.Fatalf("the fixture has gated metrics %v", want)
	}

	t.Run("to stdout, read back with the same gated values", func(t *testing.T) {
		code, stdout, stderr := perfgate(t, nil, "export", "--format", "benchfmt", passJSON)
		if code != 0 || stderr != "" {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if !strings.Contains(stdout, "\nrun: 0\n") || !strings.Contains(stdout, "BenchmarkCircuitBuild 1 ") || !strings.Contains(stdout, " sec/op\n") {
			t.Errorf("not the Go benchmark format:\n%.500s", stdout)
		}
		p := filepath.Join(dir, "stdout.txt")
		if err := os.WriteFile(p, []byte(stdout), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := gated(t, p); !equalValues(got, want) {
			t.Errorf("read back %v, want %v", got, want)
		}
	})
	t.Run("to a file, the default format", func(t *testing.T) {
		out := filepath.Join(dir, "export.txt")
		if code, stdout, stderr := perfgate(t, nil, "export", "--out", out, passJSON); code != 0 || stdout != "" {
			t.Fatalf("exit %d, stdout %q: %s", code, stdout, stderr)
		}
		if got := gated(t, out); !equalValues(got, want) {
			t.Errorf("read back %v, want %v", got, want)
		}
		if r, _ := results.Load(out, "gobench"); r == nil || len(r.Runs) != len(orig.Runs) {
			t.Errorf("runs not kept apart")
		}
	})
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"an unknown format", []string{"export", "--format", "csv", passJSON}, `--format "csv": want benchfmt`},
		{"no file", []string{"export"}, "want one results FILE"},
		{"a missing file", []string{"export", filepath.Join(dir, "nope.json")}, "nope.json: cannot open"},
		{"an unreadable file", []string{"export", "--input-format", "gotor", passJSON}, "pass.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := perfgate(t, nil, tc.args...)
			if code != 2 || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
				t.Errorf("exit %d, stderr %q: want 2 and one line with %q", code, stderr, tc.want)
			}
		})
	}
	t.Run("help", func(t *testing.T) {
		code, stdout, _ := perfgate(t, nil, "export", "-h")
		if code != 0 || !strings.Contains(stdout, "benchstat -ignore run") || !strings.Contains(stdout, "-format") {
			t.Errorf("exit %d:\n%s", code, stdout)
		}
		if _, stdout, _ := perfgate(t, nil, "help"); !strings.Contains(stdout, "export") {
			t.Errorf("perfgate help does not list export:\n%s", stdout)
		}
	})
}

func equalValues(a, b map[string]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
