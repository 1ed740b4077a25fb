package report

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/internal/fixture"
	"github.com/perfgate/perfgate/results"
)

// bigReport is the regression report of the golden files with extra
// benchmarks of hostile, long names in the current results (each with an
// implausible metric, so a warning each when warn), and a note of
// noteBytes; the markdown grows about 1 KiB a benchmark.
func bigReport(t *testing.T, extra int, warn bool, noteBytes int) *check.Report {
	t.Helper()
	base := fixture.Results(t, 1, 1, 2, 3)
	cur := fixture.Mutate(fixture.Results(t, 1, 4, 5, 6), fixture.ScaleLatency(2.5))
	for i := range extra {
		name := fmt.Sprintf("Bench %d | <details> ``` @team %s", i, strings.Repeat("long-name-", 100))
		b := results.Benchmark{Key: fmt.Sprintf("extra_%d", i), Name: name, Success: true, TotalOperations: int64(i),
			Metrics: map[string]float64{"ops_ratio": 0.5}}
		if warn {
			b.Metrics["growth_bytes"] = 1.8446744073709552e19
		}
		cur.Runs[0].Benchmarks = append(cur.Runs[0].Benchmarks, b)
	}
	rep, err := check.Compare(base, cur, check.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	rep.SetPaths("baselines/main.json", "results.json")
	rep.Comparison = check.StoredComparison(rep)
	if noteBytes > 0 {
		rep.Notes = append(rep.Notes, "A long note: "+strings.Repeat("x|`<", noteBytes/4))
	}
	return rep
}

func TestWriteMarkdownLimit(t *testing.T) {
	const where = "the job summary and the perfgate artifact (report.md)"
	tests := []struct {
		name   string
		rep    *check.Report
		min    int    // the full markdown is at least this big
		limit  int    // MaxCommentBytes or MaxSummaryBytes
		left   string // the cut line names exactly this ("" : not cut)
		charts bool   // the charts are kept
	}{
		{"small: as WriteMarkdown", bigReport(t, 0, false, 0), 0, MaxCommentBytes, "", true},
		{"300 long benchmarks in a comment", bigReport(t, 300, false, 0), 300 << 10, MaxCommentBytes,
			"the per-benchmark details", true},
		{"300 long benchmarks in a job summary", bigReport(t, 300, false, 0), 300 << 10, MaxSummaryBytes, "", true},
		{"1 500 benchmarks in a job summary", bigReport(t, 1500, false, 0), 1 << 20, MaxSummaryBytes,
			"the per-benchmark details", true},
		{"10 000 benchmarks in a comment", bigReport(t, 10000, false, 0), 10 << 20, MaxCommentBytes,
			"the per-benchmark details", true},
		{"3 000 warnings in a comment", bigReport(t, 3000, true, 0), 3 << 20, MaxCommentBytes,
			"the per-benchmark details, the environment, the charts, the per-run values, the table of all metrics, " +
				"the note on the statistics and 2", false},
		{"a 2 MB note in a comment", bigReport(t, 10, false, 2<<20), 2 << 20, MaxCommentBytes,
			"the per-benchmark details and the end of every note, reason and warning over 300 characters", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var full, got bytes.Buffer
			if err := WriteMarkdown(&full, tc.rep); err != nil {
				t.Fatal(err)
			}
			if full.Len() < tc.min {
				t.Fatalf("the full report is %d bytes, want at least %d", full.Len(), tc.min)
			}
			if err := WriteMarkdownLimit(&got, tc.rep, MarkdownLimit{MaxBytes: tc.limit, FullReport: where}); err != nil {
				t.Fatal(err)
			}
			md := got.String()
			if len(md) > tc.limit {
				t.Errorf("%d bytes, over the limit of %d", len(md), tc.limit)
			}
			checkMarkdownWhole(t, md, tc.rep)
			if tc.left == "" {
				if md != full.String() {
					t.Error("a report that fits is not written as WriteMarkdown writes it")
				}
				return
			}
			lines := strings.Split(strings.TrimRight(md, "\n"), "\n")
			last := lines[len(lines)-1]
			if lines[len(lines)-2] != "> [!NOTE]" || !strings.HasPrefix(last, fmt.Sprintf("> This report was shortened to fit %d bytes: left out %s", tc.limit, tc.left)) ||
				!strings.HasSuffix(last, "The full report is in "+where+".") {
				t.Errorf("the report does not end with the line naming what was left out (%s) and where the full report is:\n%s", tc.left, strings.Join(lines[len(lines)-2:], "\n"))
			}
			if strings.Contains(md, "```mermaid") != tc.charts {
				t.Errorf("charts kept: %v, want %v", !tc.charts, tc.charts)
			}
		})
	}
	t.Run("a limit under the minimum is an error", func(t *testing.T) {
		var b bytes.Buffer
		if err := WriteMarkdownLimit(&b, bigReport(t, 0, false, 0), MarkdownLimit{MaxBytes: MinMarkdownLimit - 1}); err == nil || b.Len() > 0 {
			t.Errorf("error %v, wrote %d bytes", err, b.Len())
		}
	})
	t.Run("notes that do not fit even cut go, the headline stays", func(t *testing.T) {
		rep := bigReport(t, 5, true, 0)
		for i := range 40 {
			rep.Notes = append(rep.Notes, fmt.Sprintf("note %d: %s", i, strings.Repeat("n", 400)))
		}
		var b bytes.Buffer
		if err := WriteMarkdownLimit(&b, rep, MarkdownLimit{MaxBytes: MinMarkdownLimit}); err != nil {
			t.Fatal(err)
		}
		md := b.String()
		checkMarkdownWhole(t, md, rep)
		if len(md) > MinMarkdownLimit || strings.Contains(md, "note 0") || !strings.Contains(md, "the comparison and the notes. The full report is in the markdown file of the same run.") {
			t.Errorf("%d bytes:\n%s", len(md), md)
		}
	})
	t.Run("every limit from the minimum up is kept", func(t *testing.T) {
		rep := bigReport(t, 40, true, 5000)
		var full bytes.Buffer
		if err := WriteMarkdown(&full, rep); err != nil {
			t.Fatal(err)
		}
		for limit := MinMarkdownLimit; limit <= full.Len()+4000; limit += 3001 {
			var b bytes.Buffer
			if err := WriteMarkdownLimit(&b, rep, MarkdownLimit{MaxBytes: limit}); err != nil {
				t.Fatalf("limit %d: %v", limit, err)
			}
			if b.Len() > limit {
				t.Errorf("limit %d: %d bytes", limit, b.Len())
			}
			checkMarkdownWhole(t, b.String(), rep)
			if cut := strings.Contains(b.String(), "This report was shortened"); cut != (full.Len() > limit) {
				t.Errorf("limit %d: the report of %d bytes says it was shortened: %v", limit, full.Len(), cut)
			}
		}
	})
}

var reTableRow = regexp.MustCompile(`^\|.*\|$`)

// checkMarkdownWhole checks that md is whole markdown: balanced code fences
// and <details>, every table row complete and as wide as its header, the
// verdict first, the headline table with every gated metric, and the
// reasons of those that failed.
func checkMarkdownWhole(t *testing.T, md string, r *check.Report) {
	t.Helper()
	lines := strings.Split(md, "\n")
	if want := "### ❌ perfgate: " + EscapeMarkdown(verdictLine(r)); lines[0] != want && !strings.HasPrefix(want, lines[0]) {
		t.Errorf("first line %q, want the verdict", lines[0])
	}
	fence, details, cols := false, 0, -1
	for i, l := range lines {
		if strings.HasPrefix(l, "```") {
			fence = !fence
		}
		if fence {
			continue
		}
		details += strings.Count(l, "<details>") - strings.Count(l, "</details>")
		if details < 0 || details > 1 {
			t.Fatalf("line %d: <details> unbalanced", i+1)
		}
		if !strings.HasPrefix(l, "|") {
			cols = -1
			continue
		}
		if !reTableRow.MatchString(l) {
			t.Fatalf("line %d: a table row cut short: %.200q", i+1, l)
		}
		n := strings.Count(strings.ReplaceAll(l, `\|`, ""), "|")
		if cols >= 0 && n != cols {
			t.Fatalf("line %d: a row of %d cells in a table of %d", i+1, n-1, cols-1)
		}
		cols = n
	}
	if fence || details != 0 {
		t.Errorf("open at the end: code fence %v, <details> %d", fence, details)
	}
	head, _, _ := strings.Cut(md, "<details>")
	if !strings.Contains(head, "| Metric ") {
		t.Fatal("no headline table before the details")
	}
	for _, m := range r.Metrics {
		if !m.Gated {
			continue
		}
		if !strings.Contains(head, "| "+m.Label+" ") {
			t.Errorf("headline table without %s", m.Key)
		}
		if m.Status == check.StatusRegressed && !strings.Contains(head, "- **"+m.Label+"** (`"+m.Key+"`): ") {
			t.Errorf("no reason for %s", m.Key)
		}
	}
}
