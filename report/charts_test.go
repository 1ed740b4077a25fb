package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/internal/fixture"
	"github.com/perfgate/perfgate/results"
)

// TestMarkdownCharts checks which pictures the markdown report carries:
// the latency distribution whenever the current side has circuit builds,
// the trend only when the baseline keeps a history of runs, and neither
// for a report read back from its JSON verdict.
func TestMarkdownCharts(t *testing.T) {
	for _, tc := range []struct {
		name          string
		base          *results.Results
		wantLatency   bool
		wantTrend     bool
		roundTripJSON bool
	}{
		{name: "no baseline", base: nil, wantLatency: true},
		{name: "three baseline runs", base: fixture.Results(t, 1, 1, 2, 3), wantLatency: true},
		{name: "history of five runs", base: fixture.Results(t, 1, 1, 2, 3, 7, 8), wantLatency: true, wantTrend: true},
		{name: "from JSON", base: fixture.Results(t, 1, 1, 2, 3, 7, 8), roundTripJSON: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := check.Compare(tc.base, fixture.Results(t, 1, 4, 5, 6), check.DefaultConfig())
			if err != nil {
				t.Fatal(err)
			}
			if tc.roundTripJSON {
				var js bytes.Buffer
				if err := WriteJSON(&js, r); err != nil {
					t.Fatal(err)
				}
				r = new(check.Report)
				if err := json.Unmarshal(js.Bytes(), r); err != nil {
					t.Fatal(err)
				}
			}
			var md bytes.Buffer
			if err := WriteMarkdown(&md, r); err != nil {
				t.Fatal(err)
			}
			s := md.String()
			if got := strings.Contains(s, "Circuit build latency by percentile"); got != tc.wantLatency {
				t.Errorf("latency chart present = %v, want %v", got, tc.wantLatency)
			}
			if got := strings.Contains(s, "run-5"); got != tc.wantTrend {
				t.Errorf("trend chart present = %v, want %v", got, tc.wantTrend)
			}
			if tc.wantTrend && strings.Count(s, "```mermaid") != 4 {
				t.Errorf("want 4 charts (latency + 3 gated metrics), got %d", strings.Count(s, "```mermaid"))
			}
		})
	}
}

// TestMarkdownCommitTrend: with a Trend, the report draws each gated
// metric over the commits, labelled by short SHA, with each commit's spread
// and the current side as the last point, instead of the baseline's runs;
// a commit without a metric is left out of its chart; the charts stay
// within their bound and go whole when the report is shortened.
func TestMarkdownCommitTrend(t *testing.T) {
	base := fixture.Results(t, 1, 1, 2, 3, 7, 8)
	r, err := check.Compare(base, fixture.Results(t, 1.2, 4, 5, 6), check.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	tr := &check.Trend{Branch: "main", Current: "PR-12"}
	for i := range 20 {
		vals := map[string][]float64{}
		for _, m := range r.Metrics {
			if m.Baseline != nil {
				vals[m.Key] = m.Baseline.RunValues
			}
		}
		if i == 3 {
			delete(vals, "circuit_build_p95")
		}
		tr.Points = append(tr.Points, check.TrendPoint{Commit: fmt.Sprintf("%07x`<b>@x|%032d", i, i), Values: vals})
	}
	r.Trend = tr
	var md bytes.Buffer
	if err := WriteMarkdown(&md, r); err != nil {
		t.Fatal(err)
	}
	s := md.String()
	if strings.Contains(s, "run-5") {
		t.Error("the baseline's runs are drawn beside the commit trend")
	}
	charts := regexp.MustCompile("(?s)```mermaid\n.*?```\n").FindAllString(s, -1)
	var trends []string
	for _, c := range charts {
		if len(c) > MaxChartBytes {
			t.Errorf("chart of %d bytes", len(c))
		}
		for _, bad := range []string{"`<", "<b", "@", "|"} {
			if strings.Contains(strings.TrimSuffix(strings.TrimPrefix(c, "```mermaid"), "```\n"), bad) {
				t.Errorf("chart holds %q:\n%s", bad, c)
			}
		}
		if strings.Contains(c, "on main: last 20 commits then PR-12: lines median, lowest and highest run") {
			trends = append(trends, c)
		}
	}
	if len(trends) != 3 {
		t.Fatalf("%d commit trends, want 3 (the gated metrics):\n%s", len(trends), s)
	}
	for i, c := range trends {
		if n := strings.Count(c, "    line ["); n != 3 {
			t.Errorf("chart %d: %d lines, want 3 (median, lowest, highest)", i, n)
		}
		if !strings.Contains(c, `"0000000", `) || !strings.HasSuffix(regexp.MustCompile(`x-axis \[.*\]`).FindString(c), `"PR-12"]`) {
			t.Errorf("chart %d: labels:\n%s", i, c)
		}
		points := strings.Count(regexp.MustCompile(`x-axis \[.*\]`).FindString(c), `"`) / 2
		want := 21
		if strings.Contains(c, "Circuit build p95") {
			want = 20 // commit 3 lacks it
		}
		if points != want {
			t.Errorf("chart %d: %d points, want %d:\n%s", i, points, want, c)
		}
	}
	// Shortened to any size: the charts stay or go as a whole.
	for max := MinMarkdownLimit; max < md.Len(); max += 1024 {
		var short bytes.Buffer
		if err := WriteMarkdownLimit(&short, r, MarkdownLimit{MaxBytes: max}); err != nil {
			t.Fatal(err)
		}
		out := short.String()
		if n := strings.Count(out, "then PR-12"); strings.Count(out, "```")%2 != 0 || (n != 0 && n != 3) || len(out) > max {
			t.Errorf("shortened to %d bytes: %d commit trends, %d bytes:\n%s", max, n, len(out), out)
		}
	}
}
