package quality

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReplayFiles replays the real runs of the fixture (8 fresh networks)
// as 'perfgate evaluate replay' asks, and writes the table; the A/A lines
// show no false alarm.
func TestReplayFiles(t *testing.T) {
	eval, err := ReplaySpec{RunsPerSide: "1,3", Thresholds: "0,20", Synthetic: "0.5", Adaptive: "1:4:3m",
		MaxPairs: 20, Resamples: 200}.Options()
	if err != nil {
		t.Fatal(err)
	}
	var out, log strings.Builder
	md := filepath.Join(t.TempDir(), "table.md")
	if _, err := ReplayFiles([]string{noiseFixture}, ReplayOptions{Eval: eval, Markdown: md, Out: &out, Log: &log}); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
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
		t.Errorf("the markdown file differs from the table written (%v)", err)
	}
	if !strings.Contains(log.String(), "pool stored/none: 8 runs") {
		t.Errorf("log: %s", log.String())
	}
}

func TestReplayFilesErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		paths []string
		k     int
		want  string
	}{
		{"missing file", []string{"no-such.json"}, 1, "no-such.json"},
		{"too few runs", []string{noiseFixture}, 5, "nothing to compare"},
		{"no files", nil, 1, "nothing to compare"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReplayFiles(tc.paths, ReplayOptions{Eval: EvalOptions{RunsPerSide: []int{tc.k}, MaxPairs: 5}})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}
