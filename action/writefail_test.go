package action_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestActionWriteFailures: a file the action cannot write (a directory
// stands where it goes) is a warning that names it and says why, and
// changes nothing else (exit code, verdict, comment, status), unless it is
// report.md of a check, which the outputs and the comment point to: that
// is an error. No temporary file is left in .perfgate either way.
func TestActionWriteFailures(t *testing.T) {
	for _, tc := range []struct {
		name string
		// blocked is the file in .perfgate made a directory before the run.
		blocked string
		// inputs are the step's; "results" names a fixture, put at
		// resultsAt (a workspace path, or outside the workspace when "").
		inputs    map[string]string
		resultsAt string
		code      int
		verdict   string
		// warning is what the (one) warning about blocked says, in parts
		// (the error names the file by its absolute path).
		warning []string
		// posted: the comment and the status are there.
		posted bool
		check  func(t *testing.T, r *runner, s step)
	}{{
		name: "pr.json", blocked: "pr.json",
		inputs: map[string]string{"results": "results/pass.json"}, resultsAt: "perf/results.json",
		code: exitPass, verdict: "pass", posted: true,
		warning: []string{"pr.json for the workflow_run reporter not written: ", ".perfgate/pr.json: cannot replace it"},
		check: func(t *testing.T, r *runner, s step) {
			// The one beside the results is written all the same.
			if _, err := os.Stat(filepath.Join(r.workspace, "perf", "pr.json")); err != nil {
				t.Error(err)
			}
		},
	}, {
		name: "report.json", blocked: "report.json",
		inputs: map[string]string{"results": "results/pass.json"}, resultsAt: "results.json",
		code: exitPass, verdict: "pass", posted: true,
		warning: []string{"report.json not written: ", ".perfgate/report.json: cannot replace it"},
	}, {
		name: "report.json on a regression", blocked: "report.json",
		inputs: map[string]string{"results": "results/regression.json"}, resultsAt: "results.json",
		code: exitRegression, verdict: "regression", posted: true,
		warning: []string{"report.json not written"},
	}, {
		// The copy is tried once for pr.json's artifact and once for the
		// report's baseline command: one warning, and the command names
		// the results where they are.
		name: "the copy of the results", blocked: "results.json",
		inputs: map[string]string{"results": "results/pass.json", "baseline": "baselines/other.json"},
		code:   exitPass, verdict: "pass", posted: true,
		warning: []string{"no copy of the results in .perfgate/results.json (for the artifact and the report's commands): ", ".perfgate/results.json: cannot replace it"},
		check: func(t *testing.T, r *runner, s step) {
			outside := filepath.Join(r.env["RUNNER_TEMP"], "results.json")
			if !strings.Contains(s.summary, "perfgate baseline --results "+outside+" --out baselines/other.json") {
				t.Errorf("the hint does not name the results at %s:\n%s", outside, s.summary)
			}
		},
	}, {
		name: "report.md of a check", blocked: "report.md",
		inputs: map[string]string{"results": "results/pass.json"}, resultsAt: "results.json",
		code: exitError, verdict: "error",
		// finishError tries again, and says so.
		warning: []string{"report.md not written (the error is in the log and the job summary): ", ".perfgate/report.md: cannot replace it"},
		check: func(t *testing.T, r *runner, s step) {
			if !strings.Contains(s.stderr, "report: ") || !strings.Contains(s.stderr, "report.md") {
				t.Errorf("stderr does not name report.md: %s", s.stderr)
			}
			if !strings.Contains(s.summary, "perfgate: error") {
				t.Errorf("summary:\n%s", s.summary)
			}
			if st := r.fake.Statuses(); len(st) != 1 || st[0].State != "error" {
				t.Errorf("statuses %+v, want one error", st)
			}
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRunner(t, "pull_request")
			inputs := map[string]string{}
			for k, v := range tc.inputs {
				inputs[k] = v
			}
			if tc.resultsAt != "" {
				inputs["results"] = r.put(inputs["results"], tc.resultsAt)
			} else {
				outside := filepath.Join(r.env["RUNNER_TEMP"], "results.json")
				if err := os.WriteFile(outside, readFixture(t, inputs["results"]), 0o644); err != nil {
					t.Fatal(err)
				}
				inputs["results"] = outside
			}
			blockFile(t, filepath.Join(r.workspace, ".perfgate", tc.blocked))
			s := r.run(inputs)
			s.mustCode(t, tc.code)
			s.mustOutputs(t, map[string]string{"verdict": tc.verdict})
			mustWarnOnce(t, s, tc.warning...)
			if tc.posted {
				if n := len(r.fake.Comments(prNumber)); n != 1 {
					t.Errorf("%d comments, want 1", n)
				}
				if st := r.fake.Statuses(); len(st) != 1 || st[0].State == "error" {
					t.Errorf("statuses %+v", st)
				}
				if md, err := os.ReadFile(filepath.Join(r.workspace, ".perfgate", "report.md")); err != nil || !strings.Contains(string(md), "perfgate: "+tc.verdict) {
					t.Errorf("report.md: %v", err)
				}
				s.mustOutputs(t, map[string]string{"report-markdown": ".perfgate/report.md"})
			}
			mustNoTemporary(t, filepath.Join(r.workspace, ".perfgate"))
			if tc.check != nil {
				tc.check(t, r, s)
			}
		})
	}
}

// TestActionBaselineModeReportNotWritten: mode baseline writes the
// baseline even when report.md cannot be written; that is a warning, and
// the output report-markdown is not set.
func TestActionBaselineModeReportNotWritten(t *testing.T) {
	r := newRunner(t, "push")
	blockFile(t, filepath.Join(r.workspace, ".perfgate", "report.md"))
	s := r.run(map[string]string{"mode": "baseline", "results": r.put("results/pass.json", "results.json")})
	s.mustCode(t, exitPass)
	s.mustOutputs(t, map[string]string{"baseline-path": "baselines/default.json", "verdict": "pass"})
	if _, ok := s.outputs["report-markdown"]; ok {
		t.Error("report-markdown set, but report.md was not written")
	}
	mustWarnOnce(t, s, "report.md not written (the job summary has the report): ", ".perfgate/report.md: cannot replace it")
	if !strings.Contains(s.summary, "new baseline") {
		t.Errorf("summary:\n%s", s.summary)
	}
	if _, err := os.Stat(filepath.Join(r.workspace, "baselines", "default.json")); err != nil {
		t.Error(err)
	}
	mustNoTemporary(t, filepath.Join(r.workspace, ".perfgate"))
}

// TestActionBaselineModeOldUnreadable: an old baseline that cannot be
// read is replaced, with a warning that there is no comparison.
func TestActionBaselineModeOldUnreadable(t *testing.T) {
	r := newRunner(t, "push")
	old := filepath.Join(r.workspace, "baselines", "default.json")
	if err := os.MkdirAll(filepath.Dir(old), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(old, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := r.run(map[string]string{"mode": "baseline", "results": r.put("results/pass.json", "results.json")})
	s.mustCode(t, exitPass)
	mustWarnOnce(t, s, "the old baseline cannot be read: the new one replaces it without a comparison: ")
	data, err := os.ReadFile(old)
	if err != nil || !bytes.Contains(data, []byte(`"schema": "perfgate/baseline/v1"`)) {
		t.Errorf("the baseline was not replaced: %v\n%.200s", err, data)
	}
}

// blockFile makes a non-empty directory where the file p should go.
func blockFile(t *testing.T, p string) {
	t.Helper()
	if err := os.MkdirAll(p, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(p, "keep"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
}

// mustWarnOnce checks that exactly one ::warning annotation says the
// parts of want, in order.
func mustWarnOnce(t *testing.T, s step, want ...string) {
	t.Helper()
	var re strings.Builder
	re.WriteString(`(?m)^::warning .*`)
	for i, w := range want {
		if i > 0 {
			re.WriteString(`.*`)
		}
		re.WriteString(regexp.QuoteMeta(w))
	}
	n := len(regexp.MustCompile(re.String()).FindAllString(s.stdout, -1))
	if n != 1 {
		t.Errorf("%d warnings saying %q, want 1:\n%s", n, want, s.stdout)
	}
}

// mustNoTemporary checks that dir holds no temporary file of
// results.WriteFileAtomic.
func mustNoTemporary(t *testing.T, dir string) {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("%s left in %s", e.Name(), dir)
		}
	}
}
