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
	return &env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }}, &out, &errOut
}

// TestEvaluateFlags: replay's and all's flags reach quality (the
// workflows' own tests are quality's): the fixture's 8 runs replayed, from
// a list of files and from a directory that holds all it needs.
func TestEvaluateFlags(t *testing.T) {
	const fixture = "../../quality/testdata/loopback-noise.json"
	dir := t.TempDir()
	data, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "aa.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	md := filepath.Join(t.TempDir(), "table.md")
	replay := []string{"--runs-per-side", "1", "--thresholds", "20", "--pairs", "5", "--resamples", "100", "--markdown", md}
	for _, tc := range []struct {
		name string
		args []string
		log  string
	}{
		{"replay", append(append([]string{"replay"}, replay...), fixture), "pool stored/none: 8 runs"},
		{"all", append([]string{"all", "--dir", dir, "--aa", "8", "--injected", "0", "--ab-runs", "0"}, replay...), "reusing " + filepath.Join(dir, "aa.json") + ": 8 runs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, out, errOut := evalEnv()
			if err := cmdEvaluate(context.Background(), e, tc.args); err != nil {
				t.Fatalf("%v\n%s", err, errOut.String())
			}
			if want := "| stored baseline | A/A (false alarms) | 1 | p95 20 % | 5 of 56 |"; !strings.Contains(out.String(), want) {
				t.Errorf("table lacks %q:\n%s", want, out.String())
			}
			if b, err := os.ReadFile(md); err != nil || string(b) != out.String() {
				t.Errorf("--markdown file differs from stdout (%v)", err)
			}
			if !strings.Contains(errOut.String(), tc.log) {
				t.Errorf("stderr lacks %q: %s", tc.log, errOut.String())
			}
		})
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
