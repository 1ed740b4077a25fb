package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/report"
	"github.com/perfgate/perfgate/results"
)

func TestRunFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"zero runs", []string{"run", "--runs", "0"}, "--runs must be at least 1"},
		{"stray argument", []string{"run", "now"}, `unexpected argument "now"`},
		{"bad colour", []string{"run", "--color", "pink"}, `--color "pink"`},
		{"bad log level", []string{"run", "--log-level", "loud"}, "--log-level"},
		{"missing config before the suite runs", []string{"run", "--config", "/nonexistent/perfgate.yml"}, "nonexistent"},
		{"unknown flag", []string{"run", "--fast"}, "not defined"},
		{"max runs below runs", []string{"run", "--runs", "3", "--max-runs", "2"}, "--max-runs 2 is less than --runs 3"},
		{"no budget", []string{"run", "--budget", "0s"}, "--budget must be positive"},
		{"empty baseline client", []string{"run", "--baseline-client", " "}, "--baseline-client needs a command"},
		{"bad order", []string{"run", "--baseline-client", "tor", "--order", "random"}, "--order"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tt.args, &env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if exitCode(err, &stderr) != exitError {
				t.Errorf("exit code %d, want %d", exitCode(err, &stderr), exitError)
			}
		})
	}
	t.Run("help", func(t *testing.T) {
		var stdout bytes.Buffer
		err := run(context.Background(), []string{"run", "-h"}, &env{Stdout: &stdout, Stderr: &stdout, Getenv: func(string) string { return "" }})
		if !errors.Is(err, errHelp) || !strings.Contains(stdout.String(), "usage: perfgate run") {
			t.Errorf("err %v, stdout %q", err, stdout.String())
		}
	})
}

// TestChooseBaseline: without --baseline, 'perfgate run' uses
// baselines/default.json (the action's default) and nothing else.
func TestChooseBaseline(t *testing.T) {
	tests := []struct {
		name  string
		given string
		files []string
		want  string
	}{
		{"given wins", "b.json", []string{"baselines/default.json"}, "b.json"},
		{"default when present", "", []string{"baselines/default.json", "baselines/main.json"}, "baselines/default.json"},
		{"main.json is not a default", "", []string{"baselines/main.json"}, ""},
		{"none", "", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tt.files {
				p := filepath.Join(dir, f)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte("{}"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			t.Chdir(dir)
			if got := chooseBaseline(tt.given); got != tt.want {
				t.Errorf("chooseBaseline(%q) = %q, want %q", tt.given, got, tt.want)
			}
		})
	}
}

// TestRunQuickOnTor is the README's 'perfgate run --quick' on a real private
// network: results file, then the comparison against the targets.
func TestRunQuickOnTor(t *testing.T) {
	if _, err := exec.LookPath("tor"); err != nil {
		t.Skip("tor is not installed")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "results.json")
	md := filepath.Join(dir, "report.md")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"run", "--quick", "--out", out, "--baseline", filepath.Join(dir, "none.json"), "--markdown", md, "--color", "never"},
		&env{Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }})
	if err != nil && !errors.Is(err, check.ErrRegression) {
		t.Fatalf("perfgate run: %v\nstderr:\n%s", err, stderr.String())
	}
	if err != nil {
		t.Logf("a target was missed on this machine (exit 1): %v", err)
	}
	res, lerr := results.Load(out, "")
	if lerr != nil {
		t.Fatal(lerr)
	}
	if len(res.Runs) != 1 || !res.Settings.Quick || len(res.Runs[0].Benchmarks) != 8 || res.Runs[0].Error != "" {
		t.Errorf("results: %d runs, quick %v, %d benchmarks, error %q", len(res.Runs), res.Settings.Quick, len(res.Runs[0].Benchmarks), res.Runs[0].Error)
	}
	if res.Runs[0].ClientCPUS <= 0 || res.Runs[0].HarnessCPUS <= 0 || res.Runs[0].EchoCPUS <= 0 || res.Runs[0].NetworkStartS <= 0 {
		t.Errorf("run %+v lacks CPU or network figures", res.Runs[0])
	}
	if !strings.Contains(stderr.String(), "run 1/1: Stream Scaling: CPU client ") {
		t.Errorf("no CPU line per benchmark:\n%s", stderr.String())
	}
	for _, want := range []string{"Circuit build p95", "Steady-state RSS", "Stream capacity"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("terminal table lacks %q:\n%s", want, stdout.String())
		}
	}
	if data, err := os.ReadFile(md); err != nil || !strings.Contains(string(data), "Stream capacity") {
		t.Errorf("markdown report: %v\n%s", err, data)
	}
	if !strings.Contains(stderr.String(), "run 1/1: Stream Scaling: capacity") {
		t.Errorf("no progress line per phase:\n%s", stderr.String())
	}
}

// TestRunABQuickOnTor is 'perfgate run --quick --baseline-client CMD' on a
// real private network: one run of each side (the baseline client is
// Debian's tor with an extra option), both results files, and a report
// that says it compared the two clients directly.
func TestRunABQuickOnTor(t *testing.T) {
	tor, err := exec.LookPath("tor")
	if err != nil {
		t.Skip("tor is not installed")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "head.json")
	baseOut := filepath.Join(dir, "base.json")
	js := filepath.Join(dir, "report.json")
	md := filepath.Join(dir, "report.md")
	baseCmd := tor + " --defaults-torrc /dev/null -f {torrc} --CircuitStreamTimeout 31"
	var stdout, stderr bytes.Buffer
	begin := time.Now()
	err = run(context.Background(), []string{"run", "--quick", "--baseline-client", baseCmd, "--out", out, "--baseline-out", baseOut,
		"--json", js, "--markdown", md, "--color", "never"}, &env{Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }})
	t.Logf("perfgate run --quick --baseline-client: %v", time.Since(begin).Round(100*time.Millisecond))
	if err != nil && !errors.Is(err, check.ErrRegression) {
		t.Fatalf("perfgate run: %v\nstderr:\n%s", err, stderr.String())
	}
	head, herr := results.Load(out, "")
	base, berr := results.Load(baseOut, "")
	if herr != nil || berr != nil {
		t.Fatal(herr, berr)
	}
	if len(head.Runs) != 1 || head.Runs[0].Label != "B" || len(base.Runs) != 1 || base.Runs[0].Label != "A" {
		t.Fatalf("head %d runs, base %d runs", len(head.Runs), len(base.Runs))
	}
	if base.Environment.ClientCommand != baseCmd || head.Environment.ClientCommand != "" {
		t.Errorf("client commands: base %q, head %q", base.Environment.ClientCommand, head.Environment.ClientCommand)
	}
	rep, rerr := report.ReadReport(js)
	if rerr != nil {
		t.Fatal(rerr)
	}
	if !strings.HasPrefix(rep.Comparison, "interleaved A/B on one private network: 1 run per side, order AB") || rep.Baseline == nil || rep.Repetition != nil {
		t.Errorf("comparison %q, baseline %v, repetition %+v", rep.Comparison, rep.Baseline, rep.Repetition)
	}
	if data, _ := os.ReadFile(md); !strings.Contains(string(data), "**Comparison:** interleaved A/B") || !strings.Contains(string(data), "CircuitStreamTimeout") {
		t.Errorf("markdown lacks the comparison:\n%s", data)
	}
	if !strings.Contains(stdout.String(), "comparison: interleaved A/B") {
		t.Errorf("terminal lacks the comparison:\n%s", stdout.String())
	}
	for _, want := range []string{"run 1/2 (A): ", "run 2/2 (B): "} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("progress lacks %q:\n%s", want, stderr.String())
		}
	}
}

// TestRunGateOptions: the flags as the gate gets them, without running it.
// "--baseline-client tor" (the system's tor, an empty command for the
// suite) still selects A/B mode.
func TestRunGateOptions(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		ab      bool
		runs    int
		maxRuns int
	}{
		{"defaults", nil, false, 5, 5},
		{"quick", []string{"--quick"}, false, 1, 1},
		{"adaptive", []string{"--runs", "3", "--max-runs", "7"}, false, 3, 7},
		{"A/B with the system's tor", []string{"--baseline-client", "tor"}, true, 5, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Chdir(t.TempDir()) // no baselines/default.json
			o := runOptions{set: map[string]bool{}}
			fs := newFlags("run")
			o.register(fs)
			e := &env{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }, Now: time.Now}
			if err := parseFlags(e, fs, tc.args, false); err != nil {
				t.Fatal(err)
			}
			fs.Visit(func(fl *flag.Flag) { o.set[fl.Name] = true })
			g, err := o.gateOptions(e)
			if err != nil {
				t.Fatal(err)
			}
			if g.AB != tc.ab || g.Suite.Runs != tc.runs || g.MaxRuns != tc.maxRuns {
				t.Errorf("AB %v, runs %d, max %d; want %v, %d, %d", g.AB, g.Suite.Runs, g.MaxRuns, tc.ab, tc.runs, tc.maxRuns)
			}
			if tc.ab && g.Suite.BaselineClientCommand != "" {
				t.Errorf("baseline client %q, want the system's tor (\"\")", g.Suite.BaselineClientCommand)
			}
		})
	}
}
