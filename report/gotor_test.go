package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/results"
)

// TestGoTorLevels reads real go-tor summaries, as printed and edited the
// way a failing client prints them, and checks the stream levels and the
// capacity the gate draws from them.
func TestGoTorLevels(t *testing.T) {
	real := readGoTor(t, "go-tor-benchmark-all.txt")
	tests := []struct {
		name     string
		summary  string
		scaling  []results.StreamLevel // the ladder, concurrent-streams record last
		capacity float64
		status   check.Status
		golden   string
	}{
		{"as printed", real,
			[]results.StreamLevel{{Streams: 10, OK: 10, Pass: true}, {Streams: 25, OK: 25, Pass: true}, {Streams: 50, OK: 50, Pass: true},
				{Streams: 100, OK: 100, Pass: true}, {Streams: 200, OK: 200, Pass: true}, {Streams: 100, OK: 100, Pass: true}},
			200, check.StatusNoBaseline, ""},
		{"the 100- and 200-stream levels failed", readGoTor(t, "scaling-100-200-fail.txt"),
			// 200: 15000 of 20000 operations, 100 per stream: 150 streams served.
			[]results.StreamLevel{{Streams: 10, OK: 10, Pass: true}, {Streams: 25, OK: 25, Pass: true}, {Streams: 50, OK: 50, Pass: true},
				{Streams: 100, OK: 100}, {Streams: 200, OK: 150, Failed: 50}, {Streams: 100, OK: 100, Pass: true}},
			50, check.StatusTargetMissed, "gotor-scaling-100-200-fail.txt"},
		{"50 of the 100 concurrent streams handled", readGoTor(t, "concurrent-50-of-100.txt"),
			[]results.StreamLevel{{Streams: 10, OK: 10, Pass: true}, {Streams: 25, OK: 25, Pass: true}, {Streams: 50, OK: 50, Pass: true},
				{Streams: 100, OK: 100, Pass: true}, {Streams: 200, OK: 200, Pass: true}, {Streams: 100, OK: 50, Failed: 50}},
			// 150 of 200 streams served at the 100 level, over its two records: 75 at once, /0.99.
			75.0 / 0.99, check.StatusTargetMissed, "gotor-concurrent-50-of-100.txt"},
		{"only the targets section says 50 of 100", strings.Replace(strings.Replace(real,
			"✓ PASS: Concurrent Streams Performance", "✗ FAIL: Concurrent Streams Performance", 1),
			"Actual: 100 streams handled", "Actual: 50 streams handled", 1),
			[]results.StreamLevel{{Streams: 10, OK: 10, Pass: true}, {Streams: 25, OK: 25, Pass: true}, {Streams: 50, OK: 50, Pass: true},
				{Streams: 100, OK: 100, Pass: true}, {Streams: 200, OK: 200, Pass: true}, {Streams: 100, OK: 50, Failed: 50}},
			75.0 / 0.99, check.StatusTargetMissed, ""},
		{"the concurrent block failed with every stream served", strings.Replace(real,
			"✓ PASS: Concurrent Streams Performance", "✗ FAIL: Concurrent Streams Performance", 1),
			[]results.StreamLevel{{Streams: 10, OK: 10, Pass: true}, {Streams: 25, OK: 25, Pass: true}, {Streams: 50, OK: 50, Pass: true},
				{Streams: 100, OK: 100, Pass: true}, {Streams: 200, OK: 200, Pass: true}, {Streams: 100, OK: 100}},
			50, check.StatusTargetMissed, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := results.ParseGoTor([]byte(tc.summary), "summary.txt")
			if err != nil {
				t.Fatal(err)
			}
			got := r.Runs[0].Find(results.BenchStreamScaling).Levels
			if len(got) != len(tc.scaling) {
				t.Fatalf("levels %+v, want %+v", got, tc.scaling)
			}
			for i := range got {
				if got[i].Streams != tc.scaling[i].Streams || got[i].OK != tc.scaling[i].OK ||
					got[i].Failed != tc.scaling[i].Failed || got[i].Pass != tc.scaling[i].Pass {
					t.Errorf("level %d: %+v, want %+v", i, got[i], tc.scaling[i])
				}
			}
			rep, err := check.Compare(nil, r, check.DefaultConfig())
			if err != nil {
				t.Fatal(err)
			}
			m := metricOf(t, rep, results.MetricStreamCapacity)
			if d := m.Current.Value - tc.capacity; d > 1e-9 || d < -1e-9 {
				t.Errorf("stream_capacity %g, want %g", m.Current.Value, tc.capacity)
			}
			if m.Status != tc.status {
				t.Errorf("stream_capacity %s (%s), want %s", m.Status, m.Reason, tc.status)
			}
			if wantReg := tc.status == check.StatusTargetMissed; rep.Regressed() != wantReg {
				t.Errorf("verdict %s", rep.Verdict)
			}
			if tc.golden != "" {
				var b bytes.Buffer
				if err := WriteTerminal(&b, rep, false); err != nil {
					t.Fatal(err)
				}
				goldenFile(t, filepath.Join("golden", tc.golden), b.Bytes())
			}
		})
	}
	t.Run("compared with the summary as printed, failed levels regress", func(t *testing.T) {
		base, _ := results.ParseGoTor([]byte(real), "base.txt")
		cur, _ := results.ParseGoTor([]byte(readGoTor(t, "scaling-100-200-fail.txt")), "cur.txt")
		rep, err := check.Compare(base, cur, check.DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		if m := metricOf(t, rep, results.MetricStreamCapacity); !rep.Regressed() || m.Current.Value != 50 || m.Baseline.Value != 200 {
			t.Errorf("verdict %s, capacity %g → %g", rep.Verdict, m.Baseline.Value, m.Current.Value)
		}
	})
}

func readGoTor(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "results", "testdata", "gotor", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
