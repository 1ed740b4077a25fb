package report

import (
	"bytes"
	"encoding/json"
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
