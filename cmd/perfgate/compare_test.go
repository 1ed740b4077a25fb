package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/results"
)

// perfgate runs the command line in-process and returns its exit code,
// stdout and stderr.
func perfgate(t *testing.T, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, &env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return vars[k] }})
	code := exitCode(err, &errb)
	return code, out.String(), errb.String()
}

// goBench writes Go benchmark output of five runs (the recommended
// number) whose circuit latencies are the example's multiplied by scale.
func goBench(t *testing.T, dir, name string, scale float64) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("goos: linux\ngoarch: amd64\ncpu: Test CPU\n")
	lat := [][]float64{{61, 59, 60.5, 64, 59.8, 60.2, 61.1}, {60.1, 58.9, 62.5, 65, 59.7, 60.3, 61}, {60.9, 59.2, 61.5, 63, 59.9, 60.4, 60.8},
		{60.4, 59.6, 61.2, 63.5, 60.1, 60, 61.4}, {61.2, 58.8, 60.7, 64.4, 59.5, 60.6, 60.9}}
	for run, ls := range lat {
		fmt.Fprintf(&b, "run: %d\n", run+1)
		for _, l := range ls {
			fmt.Fprintf(&b, "BenchmarkCircuitBuild-2 1 %.0f ns/op\n", l*scale*1e6)
		}
		fmt.Fprintf(&b, "BenchmarkMemoryUsage-2 1 5000000000 ns/op %d rss-B\n", 19200000+run*100000)
		b.WriteString("BenchmarkStreamScaling/n=100-2 1 1 ns/op 100 streams\nBenchmarkStreamScaling/n=500-2 1 1 ns/op 500 streams\n")
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCompareCommand(t *testing.T) {
	dir := t.TempDir()
	same := goBench(t, dir, "same.txt", 1)
	slow := goBench(t, dir, "slow.txt", 1.6)
	gotor := filepath.Join("..", "..", "results", "testdata", "gotor", "go-tor-benchmark-all.txt")
	base := filepath.Join(dir, "baselines", "main.json")
	if code, _, stderr := perfgate(t, nil, "baseline", "--results", same, "--out", base, "--commit", "abc"); code != 0 {
		t.Fatalf("baseline: exit %d: %s", code, stderr)
	}
	corrupt := filepath.Join(dir, "corrupt.json")
	data, _ := os.ReadFile(base)
	if err := os.WriteFile(corrupt, data[:len(data)/3], 0o644); err != nil {
		t.Fatal(err)
	}
	otherSuite := filepath.Join(dir, "other-suite.json")
	if code, _, stderr := perfgate(t, nil, "baseline", "--results", gotor, "--out", otherSuite); code != 0 {
		t.Fatalf("baseline of go-tor: exit %d: %s", code, stderr)
	}
	badCfg := filepath.Join(dir, "bad.yml")
	os.WriteFile(badCfg, []byte("metrics:\n  circuit_p95:\n    gate: true\n"), 0o644)

	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"the same input passes", []string{"compare", "--baseline", same, "--results", same}, 0, "perfgate: pass", ""},
		{"a stored baseline passes", []string{"compare", "--baseline", base, "--results", same}, 0, "perfgate: pass", ""},
		{"60 % slower circuits fail", []string{"compare", "--baseline", base, "--results", slow}, 1, "regressed", "performance regression: Circuit build p95 +60"},
		{"a corrupt baseline is an error", []string{"compare", "--baseline", corrupt, "--results", same}, 2, "", "corrupt.json:"},
		{"a baseline of another suite is an error", []string{"compare", "--baseline", otherSuite, "--results", same}, 2, "", "other-suite.json: baseline of suite \"go-tor\""},
		{"no baseline checks the targets", []string{"compare", "--baseline", filepath.Join(dir, "none.json"), "--results", same}, 0, "perfgate baseline --results", ""},
		{"an unknown metric in the config", []string{"compare", "--results", same, "--config", badCfg}, 2, "", `bad.yml: unknown metric "circuit_p95"`},
		{"--results is required", []string{"compare"}, 2, "", "--results FILE is required"},
		{"an unknown flag", []string{"compare", "--nope"}, 2, "", "flag provided but not defined: -nope"},
		{"help documents every flag", []string{"compare", "-h"}, 0, "--baseline", ""},
		{"the go-tor summary as input", []string{"compare", "--results", gotor, "--format", "gotor"}, 0, "memory_growth_bytes = 16 EiB is implausible", ""},
		{"report from results", []string{"report", "--results", slow, "--baseline", same, "--quiet"}, 1, "", "regression"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := perfgate(t, nil, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, stdout, stderr)
			}
			if !strings.Contains(stdout, tc.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tc.stdout, stdout)
			}
			if !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, stderr)
			}
			if tc.code == 2 && strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Errorf("error on several lines:\n%s", stderr)
			}
		})
	}

	t.Run("markdown and JSON outputs, then report from the verdict", func(t *testing.T) {
		md, js := filepath.Join(dir, "report.md"), filepath.Join(dir, "verdict.json")
		code, _, _ := perfgate(t, nil, "compare", "--baseline", base, "--results", slow, "--markdown", md, "--json", js, "--quiet")
		if code != 1 {
			t.Fatalf("exit %d", code)
		}
		m, _ := os.ReadFile(md)
		if !strings.Contains(string(m), "| Circuit build p95 |") || !strings.Contains(string(m), "❌ regressed") {
			t.Errorf("markdown does not name the regressed metric:\n%s", m)
		}
		var v check.Report
		b, _ := os.ReadFile(js)
		if err := json.Unmarshal(b, &v); err != nil || v.Verdict != check.VerdictRegression {
			t.Errorf("JSON verdict %v: %v", v.Verdict, err)
		}
		code, stdout, _ := perfgate(t, nil, "report", "--verdict", js, "--markdown", "-")
		if code != 1 || !strings.Contains(stdout, "| Circuit build p95 |") {
			t.Errorf("report --verdict: exit %d\n%s", code, stdout)
		}
	})
	t.Run("colour only when asked or on a TTY", func(t *testing.T) {
		_, plain, _ := perfgate(t, nil, "compare", "--results", same)
		_, col, _ := perfgate(t, nil, "compare", "--results", same, "--color", "always")
		if strings.Contains(plain, "\x1b[") || !strings.Contains(col, "\x1b[") {
			t.Error("colour wrong")
		}
	})
}

func TestBaselineCommand(t *testing.T) {
	dir := t.TempDir()
	res := goBench(t, dir, "r.txt", 1)
	out := filepath.Join(dir, "b.json")
	env := map[string]string{"GITHUB_SHA": "0123456789abcdef", "GITHUB_REF": "refs/heads/main"}
	if code, stdout, stderr := perfgate(t, env, "baseline", "--results", res, "--out", out); code != 0 || !strings.Contains(stdout, "5 run(s)") {
		t.Fatalf("exit %d: %s %s", code, stdout, stderr)
	}
	b, err := results.ReadBaseline(out)
	if err != nil || b.Commit != "0123456789abcdef" || b.Ref != "refs/heads/main" {
		t.Fatalf("baseline %+v: %v", b, err)
	}
	orig, _ := os.ReadFile(out)

	t.Run("keep runs accumulates", func(t *testing.T) {
		out2 := filepath.Join(dir, "acc.json")
		for i := 0; i < 3; i++ {
			if code, _, stderr := perfgate(t, nil, "baseline", "--results", res, "--out", out2, "--keep-runs", "7"); code != 0 {
				t.Fatal(stderr)
			}
		}
		b, err := results.ReadBaseline(out2)
		if err != nil || len(b.Results.Runs) != 7 {
			t.Fatalf("%d runs: %v", len(b.Results.Runs), err)
		}
		// Without the flag the file's keep_runs holds: still 7 runs, the
		// newest 5 of them the new ones.
		if code, _, stderr := perfgate(t, nil, "baseline", "--results", res, "--out", out2); code != 0 {
			t.Fatal(stderr)
		}
		if b, err := results.ReadBaseline(out2); err != nil || len(b.Results.Runs) != 7 || b.KeepRuns != 7 {
			t.Fatalf("without --keep-runs: %d runs, keep_runs %d: %v", len(b.Results.Runs), b.KeepRuns, err)
		}
		// --keep-runs 0 replaces it and stops accumulating.
		if code, _, stderr := perfgate(t, nil, "baseline", "--results", res, "--out", out2, "--keep-runs", "0"); code != 0 {
			t.Fatal(stderr)
		}
		if b, err := results.ReadBaseline(out2); err != nil || len(b.Results.Runs) != 5 || b.KeepRuns != 0 {
			t.Fatalf("--keep-runs 0: %d runs, keep_runs %d: %v", len(b.Results.Runs), b.KeepRuns, err)
		}
	})
	t.Run("a failed run never replaces a good baseline", func(t *testing.T) {
		data, _ := os.ReadFile(res)
		bad := filepath.Join(dir, "bad.txt")
		// Without the memory benchmark in its first run the results are partial.
		var keep []string
		dropped := false
		for _, l := range strings.Split(string(data), "\n") {
			if !dropped && strings.Contains(l, "MemoryUsage") {
				dropped = true
				continue
			}
			keep = append(keep, l)
		}
		os.WriteFile(bad, []byte(strings.Join(keep, "\n")), 0o644)
		code, _, stderr := perfgate(t, nil, "baseline", "--results", bad, "--out", out)
		if code != 2 || !strings.Contains(stderr, "left unchanged") {
			t.Errorf("exit %d: %s", code, stderr)
		}
		now, _ := os.ReadFile(out)
		if !bytes.Equal(now, orig) {
			t.Error("the baseline changed")
		}
	})
	t.Run("a corrupt results file never replaces a good baseline", func(t *testing.T) {
		bad := filepath.Join(dir, "bad.json")
		os.WriteFile(bad, []byte(`{"schema": "perfgate/results/v1", "runs": [`), 0o644)
		code, _, stderr := perfgate(t, nil, "baseline", "--results", bad, "--out", out)
		if code != 2 || !strings.Contains(stderr, "bad.json:1: truncated JSON") {
			t.Errorf("exit %d: %s", code, stderr)
		}
		now, _ := os.ReadFile(out)
		if !bytes.Equal(now, orig) {
			t.Error("the baseline changed")
		}
	})
	t.Run("usage errors", func(t *testing.T) {
		for _, args := range [][]string{{"baseline"}, {"baseline", "--results", res}, {"baseline", "--results", res, "--out", out, "--keep-runs", "-1"}} {
			if code, _, stderr := perfgate(t, nil, args...); code != 2 || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Errorf("%v: exit %d: %s", args, code, stderr)
			}
		}
	})
}

func TestVersion(t *testing.T) {
	for _, arg := range []string{"--version", "-version", "version"} {
		t.Run(arg, func(t *testing.T) {
			code, out, _ := perfgate(t, nil, arg)
			if code != 0 || !strings.HasPrefix(out, "perfgate "+version) || !strings.Contains(out, runtime.Version()) {
				t.Errorf("perfgate %s = %d, %q", arg, code, out)
			}
		})
	}
}
