package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/internal/fixture"
	"github.com/perfgate/perfgate/results"
)

// TestInstrumentRecordedAndFlagged: the private network's loopback mode and
// relays' settings are part of the environment; a baseline from another
// instrument (or from a perfgate that did not record one) is flagged, and
// every rendering names the current side's instrument in its first lines.
func TestInstrumentRecordedAndFlagged(t *testing.T) {
	ns := results.Environment{Loopback: "namespace", NetworkSettings: "Schedulers Vanilla"}
	shim := results.Environment{Loopback: "shim", NetworkSettings: "Schedulers Vanilla"}
	old := results.Environment{}
	for _, tt := range []struct {
		name       string
		base, cur  results.Environment
		wantDiff   []string // each in the joined diff; nil: no diff
		instrument string
	}{
		{"same instrument", ns, ns, nil, "private Tor network, loopback namespace; relays: Schedulers Vanilla"},
		{"namespace baseline, shim current", ns, shim, []string{"loopback namespace → shim"}, "loopback shim"},
		{"baseline of an older perfgate", old, ns, []string{"loopback not recorded → namespace", "relays' settings not recorded → Schedulers Vanilla"}, "loopback namespace"},
		{"neither says (other tools' results)", old, old, nil, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			base := fixture.Results(t, 1, 1, 2, 3)
			cur := fixture.Results(t, 1, 4, 5, 6)
			base.Environment.Loopback, base.Environment.NetworkSettings = tt.base.Loopback, tt.base.NetworkSettings
			cur.Environment.Loopback, cur.Environment.NetworkSettings = tt.cur.Loopback, tt.cur.NetworkSettings
			rep, err := check.Compare(base, cur, check.DefaultConfig())
			if err != nil {
				t.Fatal(err)
			}
			diff := strings.Join(rep.EnvironmentDiff, "; ")
			if tt.wantDiff == nil && strings.Contains(diff, "loopback") || tt.wantDiff == nil && strings.Contains(diff, "relays") {
				t.Errorf("diff %q names the instrument, want no such difference", diff)
			}
			for _, w := range tt.wantDiff {
				if !strings.Contains(diff, w) {
					t.Errorf("diff %q lacks %q", diff, w)
				}
			}
			if !strings.Contains(rep.Instrument, tt.instrument) || (tt.instrument == "") != (rep.Instrument == "") {
				t.Errorf("Instrument = %q, want %q", rep.Instrument, tt.instrument)
			}
			var md, term bytes.Buffer
			if err := WriteMarkdown(&md, rep); err != nil {
				t.Fatal(err)
			}
			if err := WriteTerminal(&term, rep, false); err != nil {
				t.Fatal(err)
			}
			for name, out := range map[string]string{"markdown": md.String(), "terminal": term.String()} {
				head := strings.Join(strings.SplitN(out, "\n", 8)[:min(7, strings.Count(out, "\n"))], "\n")
				if tt.instrument != "" && !strings.Contains(head, tt.instrument) {
					t.Errorf("%s: the first lines do not name the instrument %q:\n%s", name, tt.instrument, head)
				}
				if len(tt.wantDiff) > 0 && !strings.Contains(out, tt.wantDiff[0]) {
					t.Errorf("%s does not flag %q", name, tt.wantDiff[0])
				}
			}
		})
	}
}
