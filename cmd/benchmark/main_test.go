package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/perfgate/perfgate/results"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    options
		wantErr string
	}{
		{"defaults", nil, options{circuit: true, memory: true, streams: true, runs: 1, timeout: 10 * time.Minute, logLevel: "info", loopback: "auto"}, ""},
		{"seed's circuit only", []string{"-circuit", "-memory=false", "-streams=false"},
			options{circuit: true, runs: 1, timeout: 10 * time.Minute, logLevel: "info", loopback: "auto"}, ""},
		{"all overrides", []string{"-memory=false", "-all"},
			options{circuit: true, memory: true, streams: true, all: true, runs: 1, timeout: 10 * time.Minute, logLevel: "info", loopback: "auto"}, ""},
		{"json runs quick", []string{"-json", "out.json", "-runs", "3", "-quick", "-timeout", "2m"},
			options{circuit: true, memory: true, streams: true, runs: 3, quick: true, jsonPath: "out.json", timeout: 2 * time.Minute, logLevel: "info", loopback: "auto"}, ""},
		{"instrument flags", []string{"-loopback", "shim", "-circuit-pause", "20ms", "-circuit-warmup", "-1", "-ladder-budget", "8s"},
			options{circuit: true, memory: true, streams: true, runs: 1, timeout: 10 * time.Minute, logLevel: "info", loopback: "shim",
				circuitPause: 20 * time.Millisecond, warmup: -1, ladderBudget: 8 * time.Second}, ""},
		{"nothing selected", []string{"-circuit=false", "-memory=false", "-streams=false"}, options{}, "no benchmark selected"},
		{"zero runs", []string{"-runs", "0"}, options{}, "-runs must be at least 1"},
		{"stray argument", []string{"now"}, options{}, "unexpected arguments"},
		{"unknown flag", []string{"-fast"}, options{}, "not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			got, err := parse(tt.args, &stderr)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if *got != tt.want {
				t.Errorf("got %+v\nwant %+v", *got, tt.want)
			}
		})
	}
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     int
		inStdout string
	}{
		{"version", []string{"-version"}, 0, "benchmark "},
		{"help", []string{"-h"}, 0, ""},
		{"bad flag", []string{"-runs", "x"}, 2, ""},
		{"bad log level", []string{"-log-level", "loud"}, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr, func(string) string { return "" })
			if code != tt.code || !strings.Contains(stdout.String(), tt.inStdout) {
				t.Errorf("exit %d, stdout %q; want %d and %q (stderr %q)", code, stdout.String(), tt.code, tt.inStdout, stderr.String())
			}
		})
	}
}

// TestCircuitBenchmarksOnTor runs the tool as the seed documents it, on a
// real private network: the circuit benchmarks only, quick, with -json.
func TestCircuitBenchmarksOnTor(t *testing.T) {
	if _, err := exec.LookPath("tor"); err != nil {
		t.Skip("tor is not installed")
	}
	out := filepath.Join(t.TempDir(), "out.json")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-quick", "-circuit", "-memory=false", "-streams=false", "-json", out, "-log-level", "warn"},
		&stdout, &stderr, func(k string) string { return map[string]string{"GITHUB_ACTIONS": "true"}[k] })
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
	for _, want := range []string{"BENCHMARK RESULTS SUMMARY", "Circuit Build Performance", "FINAL RESULTS: 3 PASSED, 0 FAILED",
		"PERFORMANCE TARGETS EVALUATION", "✓ PASS: Circuit Build Performance"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
		}
	}
	if !strings.Contains(stderr.String(), "::group::run 1/1: Circuit Build Performance") || !strings.Contains(stderr.String(), "::endgroup::") {
		t.Errorf("no ::group:: blocks in GitHub Actions:\n%s", stderr.String())
	}
	res, err := results.Load(out, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Runs) != 1 || len(res.Runs[0].Benchmarks) != 3 || res.Environment.TorVersion == "" || res.Environment.ClientVersion == "" {
		t.Errorf("results: %d runs, environment %+v", len(res.Runs), res.Environment)
	}
	if b := res.Runs[0].Benchmarks[0]; b.Key != results.BenchCircuitBuild || len(b.LatenciesS) != 30 || b.Failures != 0 {
		t.Errorf("circuit build: key %s, %d latencies, %d failures", b.Key, len(b.LatenciesS), b.Failures)
	}
	if _, err := os.Stat(out); err != nil {
		t.Error(err)
	}
}
