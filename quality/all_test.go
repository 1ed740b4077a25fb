package quality

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perfgate/perfgate/benchmark"
	"github.com/perfgate/perfgate/results"
)

// TestAllReusesDir runs 'evaluate all' on a directory that holds every
// file it wants (the fixture's runs: A/A, injected and A/B sessions):
// nothing is collected, every file is said to be reused, and the replay
// covers both modes.
func TestAllReusesDir(t *testing.T) {
	r := loadNoise(t)
	dir := t.TempDir()
	kinds := []string{KindCircuit}
	inj := *r
	inj.Runs = synthetic(r.Runs, kinds, 0.5)
	for name, res := range map[string]*results.Results{
		"aa.json":                r,
		"inject-circuit-50.json": tag(&inj, ModeStored, "circuit+50%", kinds, 0.5),
		"ab-none-1.json":         tag(abSession(r, r.Runs), ModeAB, "none", nil, 0),
		"ab-circuit-50-1.json":   tag(abSession(r, inj.Runs), ModeAB, "circuit+50%", kinds, 0.5),
	} {
		if err := benchmark.WriteResultsFile(filepath.Join(dir, name), res); err != nil {
			t.Fatal(err)
		}
	}
	var out, log strings.Builder
	cells, err := All(context.Background(), AllOptions{Dir: dir, AARuns: 8, Inject: "circuit=0.5", InjectedRuns: 8,
		ABRuns: 4, ABSessions: 1, Log: &log,
		Replay: ReplayOptions{Eval: EvalOptions{RunsPerSide: []int{2}, MaxPairs: 5}, Out: &out}})
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	for _, want := range []string{"reusing " + filepath.Join(dir, "aa.json") + ": 8 runs",
		"reusing " + filepath.Join(dir, "inject-circuit-50.json") + ": 8 runs",
		"reusing " + filepath.Join(dir, "ab-none-1.json"), "reusing " + filepath.Join(dir, "ab-circuit-50-1.json"),
		"pool ab/circuit+50%: 1 sessions"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, log.String())
		}
	}
	if strings.Contains(log.String(), "collecting") {
		t.Errorf("collected into a complete directory:\n%s", log.String())
	}
	modes := map[string]int{}
	for _, c := range cells {
		modes[c.Mode+"/"+c.Condition]++
	}
	if len(modes) != 4 || !strings.Contains(out.String(), "| A/B interleaved | circuit+50% | 2 |") {
		t.Errorf("lines %v; table:\n%s", modes, out.String())
	}
}

func TestFileSafe(t *testing.T) {
	for in, want := range map[string]string{
		"none":                               "none",
		"circuit+20%,memory+10%,streams+20%": "circuit-20-memory-10-streams-20",
		"All+12.5%":                          "all-12.5",
	} {
		if got := fileSafe(in); got != want {
			t.Errorf("fileSafe(%q) = %q, want %q", in, got, want)
		}
	}
}
