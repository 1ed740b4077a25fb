package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/perfgate/perfgate/history"
	"github.com/perfgate/perfgate/internal/fixture"
)

// writeHistory writes a history of n commits of the fixture's networks,
// the last slow of them with circuit builds 20 % slower.
func writeHistory(t *testing.T, n, slow int) string {
	t.Helper()
	h := &history.History{}
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		scale := 1.0
		if i >= n-slow {
			scale = 1.2
		}
		r := fixture.Results(t, scale, 1+i%8, 1+(i+3)%8, 1+(i+5)%8)
		e, err := history.NewEntry(r, strings.Repeat("0", 38)+string(rune('a'+i/26))+string(rune('a'+i%26)), "", "refs/heads/main", start.Add(time.Duration(i)*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		h.Append(e, history.DefaultMax)
	}
	p := filepath.Join(t.TempDir(), "history.jsonl")
	if err := history.Write(p, h); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestHistoryCommand(t *testing.T) {
	flat, step := writeHistory(t, 20, 0), writeHistory(t, 30, 10)
	corrupt := filepath.Join(t.TempDir(), "history.jsonl")
	data, err := os.ReadFile(flat)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	lines[2] = "{not json\n"
	if err := os.WriteFile(corrupt, []byte(strings.Join(lines, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name       string
		args       []string
		code       int
		stdout     string
		stderr     string
		stdoutRows int
	}{
		{"print", []string{"history", "--file", flat}, exitPass, "circuit_build_p95", "", 21},
		{"a corrupt line is named, the others printed", []string{"history", "--file", corrupt}, exitError, "COMMIT", corrupt + ":3:", 20},
		{"no change in a flat history", []string{"history", "changes", "--file", flat}, exitPass, "no step change for the worse in 20 commit(s)", "", 0},
		{"the step is found", []string{"history", "changes", "--file", step}, exitRegression, "circuit_build_p95", "step change(s) for the worse", 0},
		{"a missing file is an empty history", []string{"history", "--file", filepath.Join(t.TempDir(), "none.jsonl")}, exitPass, "COMMIT", "", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := perfgate(t, nil, tc.args...)
			if code != tc.code || !strings.Contains(stdout, tc.stdout) || !strings.Contains(stderr, tc.stderr) {
				t.Fatalf("exit %d (want %d)\nstdout:\n%s\nstderr:\n%s", code, tc.code, stdout, stderr)
			}
			if tc.stdoutRows > 0 && strings.Count(stdout, "\n") != tc.stdoutRows {
				t.Errorf("%d lines, want %d:\n%s", strings.Count(stdout, "\n"), tc.stdoutRows, stdout)
			}
		})
	}
}
