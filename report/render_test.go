package report

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/internal/fixture"
	"github.com/perfgate/perfgate/results"
)

// reportCases are the reports the golden files show.
func reportCases(t *testing.T) map[string]*check.Report {
	t.Helper()
	base := fixture.Results(t, 1, 1, 2, 3)
	base.Environment.ClientName = "tor"
	hostile := fixture.Mutate(fixture.Results(t, 1, 4, 5, 6), fixture.ScaleLatency(2.5))
	hostile.Environment.CPUModel = "Evil | <script>alert(1)</script> `rm -rf` @octocat #1"
	hostile.Runs[0].Benchmarks = append(hostile.Runs[0].Benchmarks, results.Benchmark{Key: "custom|bench", Name: "Custom <b>bench</b> | @team", Success: false,
		Error: "boom `x`\nsecond line", Metrics: map[string]float64{"memory_growth_bytes": 1.8446744073709552e19, "ok_ratio": 0.5}})
	reg, err := check.Compare(base, hostile, check.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	reg.SetPaths("baselines/main.json", "results.json")
	reg.Notes = append(reg.Notes, "This PR changes baselines/ (@reviewer)")
	reg.Comparison = "interleaved A/B on one private network: 3 runs per side, order ABBA BA; base client `sh -c 'a|b' <x> @octocat`"
	reg.Repetition = &check.Repetition{Planned: 3, Runs: 5, MaxRuns: 5, BudgetS: 300, ElapsedS: 287.4,
		Inconclusive: []string{results.MetricCircuitBuildP95}, Undecided: []string{results.MetricCircuitBuildP95}, Stopped: check.StoppedMaxRuns}

	pass, err := check.Compare(base, fixture.Results(t, 1, 4, 5, 6), check.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	pass.SetPaths("baselines/main.json", "results.json")
	pass.Comparison = check.StoredComparison(pass)
	pass.Repetition = &check.Repetition{Planned: 3, Runs: 3, MaxRuns: 5, BudgetS: 300, ElapsedS: 121, Stopped: check.StoppedDecided}

	gotor, err := results.Load(filepath.Join("..", "results", "testdata", "gotor", "go-tor-benchmark-all.txt"), "")
	if err != nil {
		t.Fatal(err)
	}
	nobase, err := check.Compare(nil, gotor, check.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	nobase.SetPaths("", "go-tor-benchmark-all.txt")
	return map[string]*check.Report{"regression": reg, "pass": pass, "no-baseline-gotor": nobase}
}

func TestRenderGolden(t *testing.T) {
	for name, rep := range reportCases(t) {
		t.Run(name, func(t *testing.T) {
			var md, term, col, js bytes.Buffer
			if err := WriteMarkdown(&md, rep); err != nil {
				t.Fatal(err)
			}
			if err := WriteTerminal(&term, rep, false); err != nil {
				t.Fatal(err)
			}
			if err := WriteTerminal(&col, rep, true); err != nil {
				t.Fatal(err)
			}
			if err := WriteJSON(&js, rep); err != nil {
				t.Fatal(err)
			}
			goldenFile(t, "golden/"+name+".md", md.Bytes())
			goldenFile(t, "golden/"+name+".txt", term.Bytes())
			if bytes.Contains(term.Bytes(), []byte("\x1b[")) {
				t.Error("colour without a TTY")
			}
			if !bytes.Contains(col.Bytes(), []byte("\x1b[")) {
				t.Error("no colour when asked")
			}
			var back check.Report
			if err := json.Unmarshal(js.Bytes(), &back); err != nil {
				t.Fatalf("JSON verdict does not read back: %v", err)
			}
			if back.Comparison != rep.Comparison || (back.Repetition == nil) != (rep.Repetition == nil) ||
				rep.Repetition != nil && back.Repetition.String() != rep.Repetition.String() {
				t.Errorf("JSON verdict read back comparison %q, repetition %+v", back.Comparison, back.Repetition)
			}
			if back.Verdict != rep.Verdict || len(back.Metrics) != len(rep.Metrics) || back.Schema != check.SchemaVerdictV1 {
				t.Errorf("JSON verdict read back as %s with %d metrics", back.Verdict, len(back.Metrics))
			}
		})
	}
}

func TestMarkdownEscapes(t *testing.T) {
	rep := reportCases(t)["regression"]
	var b bytes.Buffer
	if err := WriteMarkdown(&b, rep); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	if strings.Contains(strings.ReplaceAll(md, "\\`", ""), "`rm") {
		t.Error("markdown contains an unescaped backtick")
	}
	for _, bad := range []string{"<script>", "<b>", " @octocat", " @team", "(@reviewer", "<x>", "'a|b'"} {
		if strings.Contains(md, bad) {
			t.Errorf("markdown contains unescaped %q", bad)
		}
	}
	// Every table row keeps its column count: no stray pipes.
	for _, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "|") {
			continue
		}
		if n := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|"); n != 7 && n != 11 && n != 4 {
			t.Errorf("table row with %d pipes: %s", n, line)
		}
	}
	if !strings.Contains(md, "Circuit build p95 | ") || !strings.Contains(md, "❌ regressed") {
		t.Errorf("markdown does not name circuit_build_p95 as regressed:\n%s", md)
	}
	if !strings.Contains(md, "<details>") || !strings.Contains(md, "[!WARNING]") {
		t.Error("no details section or environment warning")
	}
}

func TestEscapeMarkdown(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"a|b", `a\|b`},
		{"<img src=x>", "&lt;img src=x&gt;"},
		{"`code`", "\\`code\\`"},
		{"@user", "@\u200duser"},
		{"line\nbreak", "line break"},
		{"plain text 1.2", "plain text 1.2"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := EscapeMarkdown(tc.in); got != tc.want {
				t.Errorf("EscapeMarkdown(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func metricOf(t testing.TB, r *check.Report, key string) check.MetricResult {
	t.Helper()
	for _, m := range r.Metrics {
		if m.Key == key {
			return m
		}
	}
	t.Fatalf("metric %s not in report", key)
	return check.MetricResult{}
}
