package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perfgate/perfgate/results"
)

// TestBaselineHintWorks runs, as printed, the command the action's report
// gives for a missing baseline (action's TestActionFirstBaselineHint
// asserts the text), in a workspace holding the action's results copy.
func TestBaselineHintWorks(t *testing.T) {
	const hint = "perfgate baseline --results .perfgate/results.json --out baselines/other.json"
	ws := t.TempDir()
	data, err := os.ReadFile(filepath.Join("..", "..", "action", "testdata", "action", "results", "pass.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(ws, ".perfgate"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(ws, ".perfgate", "results.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(ws)
	if code, _, stderr := perfgate(t, nil, strings.Fields(hint)[1:]...); code != exitPass {
		t.Fatalf("%s: exit %d\n%s", hint, code, stderr)
	}
	b, err := results.ReadBaseline(filepath.Join(ws, "baselines", "other.json"))
	if err != nil || len(b.Results.Runs) != 3 {
		t.Fatalf("the baseline the hint made: %v", err)
	}
}
