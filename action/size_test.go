package action_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/perfgate/perfgate/action"
	"github.com/perfgate/perfgate/internal/short"
	"github.com/perfgate/perfgate/report"
	"github.com/perfgate/perfgate/results"
)

// manyBenchmarks puts the pass fixture into the workspace with n extra
// benchmarks in every run, each with a long name that holds markdown and
// HTML (about 1 KiB of markdown a benchmark, as in issue 14: 300 give
// 319 KB), as many.json, and returns its path in the workspace.
func (r *runner) manyBenchmarks(n int) string { return r.manyBenchmarksAt(n, "many.json") }

// manyBenchmarksAt is manyBenchmarks into dst, a path in the workspace.
func (r *runner) manyBenchmarksAt(n int, dst string) string {
	r.t.Helper()
	var res results.Results
	if err := json.Unmarshal(readFixture(r.t, "results/pass.json"), &res); err != nil {
		r.t.Fatal(err)
	}
	for i := range res.Runs {
		for j := range n {
			res.Runs[i].Benchmarks = append(res.Runs[i].Benchmarks, results.Benchmark{
				Key:     fmt.Sprintf("extra_%d", j),
				Name:    fmt.Sprintf("Bench %d | <details> ``` @team %s", j, strings.Repeat("long-name-", 100)),
				Success: true, TotalOperations: int64(j), DurationS: 1,
				Metrics: map[string]float64{"ops_ratio": 0.5},
			})
		}
	}
	writeJSONFile(r.t, filepath.Join(r.workspace, dst), &res)
	return dst
}

// checkShortened checks markdown that the action shortened to at most max
// bytes: balanced code fences and <details>, the verdict and the headline
// table, and, as its last line, the visible one that says what was left
// out and where the full report is (where).
func checkShortened(t *testing.T, name, md string, max int, where string) {
	t.Helper()
	if len(md) > max {
		t.Errorf("%s: %d bytes, over %d", name, len(md), max)
	}
	lines := strings.Split(strings.TrimRight(md, "\n"), "\n")
	fence, details := false, 0
	for i, l := range lines {
		if strings.HasPrefix(l, "```") {
			fence = !fence
			continue
		}
		if fence {
			continue
		}
		details += strings.Count(l, "<details>") - strings.Count(l, "</details>")
		if details < 0 {
			t.Errorf("%s: line %d: a </details> without <details>", name, i+1)
			break
		}
		if strings.HasPrefix(l, "|") && !strings.HasSuffix(l, "|") {
			t.Errorf("%s: line %d: a table row cut short: %.200q", name, i+1, l)
			break
		}
	}
	if fence || details != 0 {
		t.Errorf("%s: open at the end: code fence %v, <details> %d", name, fence, details)
	}
	if !strings.Contains(md, "perfgate: pass") {
		t.Errorf("%s: no verdict", name)
	}
	head, _, _ := strings.Cut(md, "<details>")
	for _, row := range []string{`Metric +\| Baseline +\| Current +\| Change +\| Target +\| Status`,
		`Circuit build p95 +\|`, `Steady-state RSS +\|`, `Stream capacity +\|`} {
		if !regexp.MustCompile(`(?m)^\| ` + row).MatchString(head) {
			t.Errorf("%s: the headline table lacks a row %q", name, row)
		}
	}
	last := lines[len(lines)-1]
	if lines[len(lines)-2] != "> [!NOTE]" ||
		!strings.HasPrefix(last, "> This report was shortened to fit ") || !strings.Contains(last, "left out the per-benchmark details") ||
		!strings.HasSuffix(last, "The full report is in "+where+".") {
		t.Errorf("%s does not end with the visible line naming what was left out and where the full report is (%s):\n%s",
			name, where, strings.Join(lines[len(lines)-2:], "\n"))
	}
}

// postedReport is the one comment on the pull request, which must have at
// most the 65 536 characters GitHub takes, without the footer that must
// close it (the link to runURL, the head commit).
func (r *runner) postedReport(runURL string) string {
	t := r.t
	t.Helper()
	cs := r.fake.Comments(prNumber)
	if len(cs) != 1 {
		t.Fatalf("%d comments, want 1", len(cs))
	}
	body := cs[0].Body
	if n := utf8.RuneCountInString(body); n > 65536 {
		t.Errorf("the comment has %d characters, over GitHub's 65 536", n)
	}
	posted, after, ok := strings.Cut(body, "\n<sub>perfgate · [workflow run]("+runURL+") · commit "+short.Commit(headSHA)+"</sub>\n")
	if !ok || after != "" {
		t.Errorf("the comment does not end with the footer:\n%s", body[max(0, len(body)-300):])
		return body
	}
	return posted
}

// TestActionLargeReport runs mode check on results that name hundreds of
// extra benchmarks with long names: 300 (319 KB of markdown, as in issue
// 14) and 1 200 (1.2 MB). The comment stays within what GitHub takes, the
// job summary within its 1 MiB (the whole report when it fits), both whole
// markdown that names where the full report is, and report.md and stdout
// have it all.
func TestActionLargeReport(t *testing.T) {
	const artifact = "`.perfgate/report.md` (output report-markdown; kept in the workflow's artifact where it uploads `.perfgate/`)"
	for _, tc := range []struct {
		extra   int
		summary bool // the job summary is shortened too
	}{{300, false}, {1200, true}} {
		t.Run(fmt.Sprint(tc.extra), func(t *testing.T) {
			r := newRunner(t, "pull_request")
			s := r.run(map[string]string{"results": r.manyBenchmarks(tc.extra)})
			s.mustCode(t, exitPass)
			s.mustOutputs(t, map[string]string{"verdict": "pass", "report-markdown": ".perfgate/report.md"})

			data, err := os.ReadFile(filepath.Join(r.workspace, ".perfgate", "report.md"))
			if err != nil {
				t.Fatal(err)
			}
			full := string(data)
			lastName := fmt.Sprintf("Bench %d ", tc.extra-1)
			if len(full) < tc.extra<<10 || !strings.Contains(full, lastName) || strings.Contains(full, "shortened") {
				t.Fatalf("report.md: %d bytes, the last benchmark %v, shortened %v: want the full report",
					len(full), strings.Contains(full, lastName), strings.Contains(full, "shortened"))
			}
			if !strings.Contains(s.stdout, full) {
				t.Error("stdout lacks the full report")
			}

			posted := r.postedReport(runURLPrefix + "4242")
			checkShortened(t, "the comment", posted, report.MaxCommentBytes, "the job summary and "+artifact)

			if len(s.summary) > report.MaxSummaryBytes {
				t.Errorf("the job summary has %d bytes, over 1 MiB", len(s.summary))
			}
			if tc.summary {
				checkShortened(t, "the job summary", s.summary, report.MaxSummaryBytes, artifact)
			} else if s.summary != full+"\n" {
				t.Errorf("the job summary (%d bytes) is not the full report (%d bytes)", len(s.summary), len(full))
			}
		})
	}
}

// TestActionLargeReportNotTrusted runs mode report on a fork's artifact
// whose results name 300 extra benchmarks, from a pull request that changes
// the workflow: the comment, with the banner that says a maintainer must
// look before the report, stays within what GitHub takes.
func TestActionLargeReportNotTrusted(t *testing.T) {
	r := newReporter(t, forkArtifact(t, "results/pass.json"), forkPulls)
	r.manyBenchmarksAt(300, "perfgate-artifact/results.json")
	r.fake.SetPullRequestFiles(prNumber, "README.md", ".github/workflows/perfgate.yml")
	s := r.run(map[string]string{"mode": "report", "results": "perfgate-artifact/results.json"})
	s.mustCode(t, exitError)
	posted := r.postedReport(forkRunURL)
	if !strings.HasPrefix(posted, action.Marker("perfgate")+"\n> [!CAUTION]\n> **Not trusted: a maintainer must look.**") {
		t.Errorf("the comment does not begin with the marker and the banner:\n%.300s", posted)
	}
	checkShortened(t, "the comment", posted, report.MaxCommentBytes, "the job summary and "+
		"`.perfgate/report.md` (output report-markdown; kept in the workflow's artifact where it uploads `.perfgate/`)")
}

// TestActionLargeBaselineReport runs mode baseline on the same results:
// the job summary's comparison with the baseline it replaces stays within
// 1 MiB, and report.md has it all.
func TestActionLargeBaselineReport(t *testing.T) {
	r := newRunner(t, "push")
	r.put("results/baseline.json", "baselines/default.json")
	s := r.run(map[string]string{"mode": "baseline", "results": r.manyBenchmarks(1200)})
	s.mustCode(t, exitPass)
	if !strings.HasPrefix(s.summary, "## perfgate: new baseline\n") || !strings.Contains(s.summary, "Compared with the baseline it replaces:") {
		t.Errorf("summary begins:\n%.300s", s.summary)
	}
	checkShortened(t, "the job summary", s.summary, report.MaxSummaryBytes,
		"`.perfgate/report.md` (output report-markdown; kept in the workflow's artifact where it uploads `.perfgate/`)")
	full, err := os.ReadFile(filepath.Join(r.workspace, ".perfgate", "report.md"))
	if err != nil || len(full) <= report.MaxSummaryBytes || strings.Contains(string(full), "shortened") {
		t.Errorf("report.md: %d bytes (%v), want the full report", len(full), err)
	}
}
