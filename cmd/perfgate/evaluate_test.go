package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func evalEnv() (*env, *strings.Builder, *strings.Builder) {
	var out, errOut strings.Builder
	return &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}, &out, &errOut
}

// TestEvaluateReplay replays the real runs of the fixture (8 fresh
// networks) and prints the table; the A/A lines show no false alarm.
func TestEvaluateReplay(t *testing.T) {
	e, out, errOut := evalEnv()
	md := filepath.Join(t.TempDir(), "table.md")
	err := cmdEvaluate(context.Background(), e, []string{"replay", "--runs-per-side", "1,3", "--thresholds", "0,20",
		"--synthetic", "0.5", "--adaptive", "1:4:3m", "--pairs", "20", "--resamples", "200", "--markdown", md, "../../quality/testdata/loopback-noise.json"})
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	table := out.String()
	for _, want := range []string{
		"| stored baseline | A/A (false alarms) | 1 | default | 20 of 56 | 0.0 % |",
		"| stored baseline | A/A (false alarms) | 3 | p95 20 % |",
		"| stored baseline | synthetic +50% | 3 | default |",
		"| stored baseline | A/A (false alarms) | 3 vs adaptive (mean ",
	} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	if b, err := os.ReadFile(md); err != nil || string(b) != table {
		t.Errorf("--markdown file differs from stdout (%v)", err)
	}
	if !strings.Contains(errOut.String(), "pool stored/none: 8 runs") {
		t.Errorf("stderr: %s", errOut.String())
	}
}

func TestEvaluateErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no subcommand", nil, "say collect, replay or all"},
		{"unknown subcommand", []string{"frobnicate"}, "unknown subcommand"},
		{"replay without files", []string{"replay"}, "name the collected results files"},
		{"replay missing file", []string{"replay", "no-such.json"}, "no-such.json"},
		{"bad runs per side", []string{"replay", "--runs-per-side", "0", "x.json"}, "not a positive whole number"},
		{"bad synthetic", []string{"replay", "--synthetic", "2", "x.json"}, "between 0 and 1"},
		{"bad adaptive", []string{"replay", "--adaptive", "5:2:1m", "x.json"}, "MIN:MAX:TIME"},
		{"bad threshold", []string{"replay", "--thresholds", "ten", "x.json"}, "not a percentage"},
		{"collect without out", []string{"collect"}, "--out FILE is required"},
		{"inject without calibration", []string{"collect", "--out", "x.json", "--inject", "circuit"}, "--calibrate"},
		{"bad order", []string{"collect", "--out", "x.json", "--order", "random"}, "unknown order"},
		{"unknown flag", []string{"replay", "--frob"}, "flag provided but not defined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, _, _ := evalEnv()
			err := cmdEvaluate(context.Background(), e, tc.args)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
	t.Run("help", func(t *testing.T) {
		e, out, _ := evalEnv()
		if err := cmdEvaluate(context.Background(), e, []string{"-h"}); !errors.Is(err, errHelp) {
			t.Errorf("-h: %v", err)
		}
		if !strings.Contains(out.String(), "perfgate evaluate all") {
			t.Errorf("help: %s", out.String())
		}
	})
}
