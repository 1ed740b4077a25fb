package action_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/perfgate/perfgate/action"
)

func TestRunner(t *testing.T) {
	dir := t.TempDir()
	out, sum := filepath.Join(dir, "output"), filepath.Join(dir, "summary")
	env := map[string]string{
		"INPUT_GITHUB-TOKEN": "ghs_secret", "INPUT_RUNS": " 5 ", "INPUT_QUICK": "TRUE", "INPUT_COMMENT": "maybe",
		"INPUT_FAIL_ON_REGRESSION": "false", "INPUT_TIME-BUDGET": "90s", "INPUT_BAD-BUDGET": "-1m", "GITHUB_OUTPUT": out, "GITHUB_STEP_SUMMARY": sum,
	}
	var log bytes.Buffer
	r := action.NewRunner(envFrom(env), &log)
	if r.Input("github-token") != "ghs_secret" {
		t.Error("github-token")
	}
	if b, err := r.BoolInput("fail-on-regression", true); err != nil || b {
		t.Errorf("fail-on-regression = %v, %v (underscore spelling)", b, err)
	}
	if n, err := r.IntInput("runs", 3, 1); n != 5 || err != nil {
		t.Errorf("runs = %d, %v", n, err)
	}
	if b, err := r.BoolInput("quick", false); !b || err != nil {
		t.Errorf("quick = %v, %v", b, err)
	}
	if d, err := r.DurationInput("time-budget", time.Minute); d != 90*time.Second || err != nil {
		t.Errorf("time-budget = %v, %v", d, err)
	}
	if d, err := r.DurationInput("missing", time.Minute); d != time.Minute || err != nil {
		t.Errorf("default duration = %v, %v", d, err)
	}
	if _, err := r.DurationInput("bad-budget", time.Minute); err == nil {
		t.Error("a negative duration accepted")
	}
	if _, err := r.BoolInput("comment", true); err == nil {
		t.Error("comment: maybe accepted")
	}
	if b, err := r.BoolInput("missing", true); !b || err != nil {
		t.Errorf("default = %v, %v", b, err)
	}
	r.Mask("ghs_secret")
	if !strings.Contains(log.String(), "::add-mask::ghs_secret") {
		t.Errorf("no mask: %q", log.String())
	}
	r.SetOutput("verdict", "pass")
	r.SetOutput("report-markdown", "line 1\nline 2")
	r.Summary("# report\n")
	got, _ := os.ReadFile(out)
	if !strings.Contains(string(got), "verdict<<") || !strings.Contains(string(got), "line 1\nline 2") {
		t.Errorf("outputs %q", got)
	}
	if s, _ := os.ReadFile(sum); string(s) != "# report\n\n" {
		t.Errorf("summary %q", s)
	}
	log.Reset()
	for i := 0; i < action.MaxAnnotations+3; i++ {
		r.Error("circuit p95", "50 % | worse")
	}
	if n := strings.Count(log.String(), "::error "); n != action.MaxAnnotations {
		t.Errorf("%d ::error lines, want %d", n, action.MaxAnnotations)
	}
	if !strings.Contains(log.String(), "title=circuit p95::50 %25 | worse") {
		t.Errorf("annotation not escaped: %q", log.String())
	}

	// Without the runner's files nothing panics and nothing is taken.
	bare := action.NewRunner(envFrom(nil), &log)
	if bare.SetOutput("verdict", "pass") || bare.Summary("x") {
		t.Error("took an output without GITHUB_OUTPUT")
	}
}
