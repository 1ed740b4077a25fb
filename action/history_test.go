package action_test

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/perfgate/perfgate/action"
	"github.com/perfgate/perfgate/history"
	"github.com/perfgate/perfgate/internal/fixture"
	"github.com/perfgate/perfgate/results"
)

// day0 is the clock of the first push of the scenarios.
var day0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// pushCommit is a made-up commit hash for push number i of a scenario.
func pushCommit(i int) string {
	s := sha1.Sum(fmt.Appendf(nil, "push %d", i))
	return hex.EncodeToString(s[:])
}

// pusher runs mode baseline on push after push to the default branch,
// as the baseline workflow does, in one workspace that keeps the baseline
// and the history between pushes (as the commits of the workflow do).
type pusher struct {
	t   *testing.T
	r   *runner
	rng *rand.Rand
	n   int // pushes so far
}

func newPusher(t *testing.T, seed uint64) *pusher {
	r := newRunner(t, "push")
	p := &pusher{t: t, r: r, rng: rand.New(rand.NewPCG(seed, 1))}
	r.now = func() time.Time { return day0.Add(time.Duration(p.n) * time.Hour) }
	return p
}

// push is one push: 5 runs on networks of the fixture drawn at random
// (each run a fresh network), circuit latencies multiplied by scale, given
// as the results input; the event's before is the previous push.
func (p *pusher) push(scale float64, ref string) step {
	p.t.Helper()
	nets := make([]int, 5)
	for i := range nets {
		nets[i] = 1 + p.rng.IntN(8)
	}
	res := fixture.Mutate(fixture.Results(p.t, 1, nets...), fixture.ScaleLatency(scale))
	writeJSONFile(p.t, filepath.Join(p.r.workspace, "results.json"), res)
	before := "0000000000000000000000000000000000000000"
	if p.n > 0 {
		before = pushCommit(p.n - 1)
	}
	ev := fmt.Sprintf(`{"ref":%q,"before":%q,"after":%q,"repository":{"full_name":"Codertocat/Hello-World","default_branch":"master"}}`,
		ref, before, pushCommit(p.n))
	evPath := filepath.Join(p.t.TempDir(), "push.json")
	if err := os.WriteFile(evPath, []byte(ev), 0o644); err != nil {
		p.t.Fatal(err)
	}
	p.r.env["GITHUB_EVENT_PATH"] = evPath
	p.r.env["GITHUB_SHA"] = pushCommit(p.n)
	p.r.env["GITHUB_REF"] = ref
	s := p.r.run(map[string]string{"mode": "baseline", "results": "results.json"})
	p.n++
	s.mustCode(p.t, exitPass)
	return s
}

// changePoints parses output change-points.
func changePoints(t *testing.T, s step) []action.ChangePoint {
	t.Helper()
	var cps []action.ChangePoint
	if err := json.Unmarshal([]byte(s.outputs["change-points"]), &cps); err != nil {
		t.Fatalf("output change-points %q: %v", s.outputs["change-points"], err)
	}
	return cps
}

// TestActionHistoryScenario is the scripted scenario through the
// action: 30 pushes to the default branch with no change (A/A: each push's
// 5 runs drawn from the fixture's real networks), then every circuit build
// 20 % slower. Mode baseline appends one entry per push, and flags the
// step at the step's commit, with its range, change and p-value in the
// summary, a ::warning and output change-points, after flagSlowPushes slow
// pushes at most (the history's figures: at the step's commit after 5,
// on two pushes in a row after 6). Nothing is flagged before.
func TestActionHistoryScenario(t *testing.T) {
	const (
		before         = 30
		flagSlowPushes = 8
	)
	p := newPusher(t, 13)
	for i := range before {
		s := p.push(1, "refs/heads/master")
		if cps := changePoints(t, s); len(cps) != 0 {
			t.Fatalf("A/A push %d flagged %+v", i+1, cps)
		}
		if i == 0 {
			s.mustOutputs(t, map[string]string{"history-path": "baselines/history.jsonl"})
		}
	}
	h, err := history.Read(filepath.Join(p.r.workspace, "baselines", "history.jsonl"))
	if err != nil || len(h.Entries) != before {
		t.Fatalf("history of %d entries, %v; want %d", len(h.Entries), err, before)
	}
	if e := h.Entries[5]; e.Commit != pushCommit(5) || e.Parent != pushCommit(4) || e.Ref != "refs/heads/master" || e.Runs != 5 || !e.Date.Equal(day0.Add(5*time.Hour)) {
		t.Errorf("entry 5: %+v", e)
	}
	if h.Entries[0].Parent != "" {
		t.Errorf("the first push's parent is %q, want none (before is all zeros)", h.Entries[0].Parent)
	}
	attrs, err := os.ReadFile(filepath.Join(p.r.workspace, ".gitattributes"))
	if err != nil || !strings.Contains(string(attrs), "baselines/history.jsonl merge=union") {
		t.Errorf(".gitattributes %q, %v", attrs, err)
	}
	for k := 1; k <= flagSlowPushes; k++ {
		s := p.push(1.2, "refs/heads/master")
		cps := changePoints(t, s)
		if len(cps) == 0 {
			continue
		}
		c := cps[0]
		t.Logf("flagged after %d slow pushes: %+v", k, c)
		if len(cps) != 1 || c.Metric != results.MetricCircuitBuildP95 || c.First != pushCommit(before) || c.Last != pushCommit(before-1) ||
			c.RelChange < 0.15 || c.RelChange > 0.25 || c.P > 0.01 {
			t.Fatalf("want one change of about +20 %% at commit %s: %+v", pushCommit(before)[:7], cps)
		}
		rng := fmt.Sprintf("`%s..%s`", pushCommit(before - 1)[:7], pushCommit(before)[:7])
		if !regexp.MustCompile(`\| Circuit build p95 \| ` + regexp.QuoteMeta(rng) + ` \| [0-9.]+ ms \| [0-9.]+ ms \| \+[0-9.]+ % \| 0\.0\d+ \|`).MatchString(s.summary) {
			t.Errorf("the summary does not name the range, the change and p:\n%s", s.summary)
		}
		if !regexp.MustCompile(`(?m)^::warning title=perfgate%3A step change::Circuit build p95 \+[0-9.]+ %25 .*p = 0\.0.*after ` + pushCommit(before - 1)[:7] + ` up to ` + pushCommit(before)[:7]).MatchString(s.stdout) {
			t.Errorf("no ::warning naming the step:\n%s", s.stdout)
		}
		if k > 6 {
			t.Errorf("flagged after %d slow pushes; the history's figures say 6", k)
		}
		return
	}
	t.Fatalf("a 20 %% step not flagged within %d slow pushes", flagSlowPushes)
}

// TestActionHistoryAA: 30 pushes with no change flag nothing, with other
// networks drawn than the scenario's.
func TestActionHistoryAA(t *testing.T) {
	p := newPusher(t, 7)
	for i := range 30 {
		s := p.push(1, "refs/heads/master")
		if cps := changePoints(t, s); len(cps) != 0 {
			t.Fatalf("A/A push %d flagged %+v", i+1, cps)
		}
		if i == 29 && !strings.Contains(s.summary, "No new step change") {
			t.Errorf("summary:\n%s", s.summary)
		}
	}
}

// TestActionHistoryBadLines: a corrupt line and a line of another schema
// version are warnings naming their line, kept in the file as they were,
// and the other lines and the new entry are there.
func TestActionHistoryBadLines(t *testing.T) {
	for _, tc := range []struct {
		name, line, want string
	}{
		{"corrupt", `{"schema":"perfgate/history/v1","commit":`, "baselines/history.jsonl:2: "},
		{"another schema", `{"schema":"perfgate/history/v9","commit":"abc"}`, "baselines/history.jsonl:2: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPusher(t, 3)
			p.push(1, "refs/heads/master")
			p.push(1, "refs/heads/master")
			path := filepath.Join(p.r.workspace, "baselines", "history.jsonl")
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.SplitAfter(strings.TrimSuffix(string(data), "\n"), "\n")
			edited := lines[0] + tc.line + "\n" + lines[1] + "\n"
			if err := os.WriteFile(path, []byte(edited), 0o644); err != nil {
				t.Fatal(err)
			}
			s := p.push(1, "refs/heads/master")
			if !regexp.MustCompile(`(?m)^::warning title=perfgate history::` + regexp.QuoteMeta(tc.want) + `.*kept`).MatchString(s.stdout) {
				t.Errorf("no warning naming line 2:\n%s", s.stdout)
			}
			s.mustOutputs(t, map[string]string{"history-path": "baselines/history.jsonl"})
			after, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(after), tc.line+"\n") {
				t.Errorf("the bad line was not kept:\n%s", after)
			}
			h, _ := history.Read(path)
			if h == nil || len(h.Entries) != 3 || len(h.Invalid) != 1 {
				t.Fatalf("after the push: %+v", h)
			}
			if !strings.Contains(s.summary, "1 invalid line(s) kept") {
				t.Errorf("summary:\n%s", s.summary)
			}
		})
	}
}

// pushHistory makes a history of n pushes to the default branch (the
// baseline workflow's), the push at tagAt (0-based; -1: none) being that of
// release tag v1.0.0 with its circuit latencies scaled by tagScale, and
// puts it, as it is after the pushes, at the pull request's base commit of
// the fake; the release's baseline at its commit. It returns the
// history's commits.
func pushHistory(t *testing.T, r *runner, n, tagAt int, tagScale float64) []string {
	t.Helper()
	p := newPusher(t, 5)
	var commits []string
	for i := range n {
		ref, scale := "refs/heads/master", 1.0
		if i == tagAt {
			ref, scale = "refs/tags/v1.0.0", tagScale
		}
		commits = append(commits, pushCommit(i))
		p.push(scale, ref)
		if i == tagAt {
			r.fake.SetFile(pushCommit(i), "baselines/default.json", mustRead(t, filepath.Join(p.r.workspace, "baselines", "default.json")))
		}
	}
	r.fake.SetFile(baseSHA, "baselines/history.jsonl", mustRead(t, filepath.Join(p.r.workspace, "baselines", "history.jsonl")))
	return commits
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestActionPRTrend: a pull request's comment draws each gated metric over
// the last 20 commits of the history at its base commit, labelled by short
// SHA, with the pull request's point last.
func TestActionPRTrend(t *testing.T) {
	r := newRunner(t, "pull_request")
	commits := pushHistory(t, r, 25, -1, 1)
	s := r.run(map[string]string{"results": r.put("results/pass.json", "results.json")})
	s.mustCode(t, exitPass)
	body := r.fake.Comments(prNumber)[0].Body
	charts := regexp.MustCompile("(?s)```mermaid\n.*?```\n").FindAllString(body, -1)
	var trends int
	for _, c := range charts {
		if !strings.Contains(c, "on master: last 20 commits then PR-2") {
			continue
		}
		trends++
		axis := regexp.MustCompile(`x-axis \[(.*)\]`).FindStringSubmatch(c)
		if axis == nil || !strings.HasPrefix(axis[1], `"`+commits[5][:7]+`", `) || !strings.HasSuffix(axis[1], `"`+commits[24][:7]+`", "PR-2"`) {
			t.Errorf("labels of the trend:\n%s", c)
		}
		if strings.Count(c, "    line [") != 3 {
			t.Errorf("want the median and the spread:\n%s", c)
		}
	}
	if trends != 3 {
		t.Errorf("%d trend charts in the comment, want 3 (the gated metrics):\n%s", trends, body)
	}
	if len(body) > action.MaxCommentLen {
		t.Errorf("comment of %d bytes", len(body))
	}
}

// verdictLine is the first line of a report, one per comparison.
var verdictLine = regexp.MustCompile(`(?m)^### \S+ perfgate: `)

// TestActionCompareToBoth: a release candidate's pull request with
// compare-to both is compared with its base commit's baseline (pass) and
// with the baseline at release v1.0.0, the newest tag in the history, whose
// circuit builds were 40 % faster (regression): the comment shows both
// tables under their headings, and the status fails, naming the release.
// Without a release in the history, the report says so and compares with
// the base only.
func TestActionCompareToBoth(t *testing.T) {
	t.Run("release", func(t *testing.T) {
		r := newRunner(t, "pull_request")
		commits := pushHistory(t, r, 12, 9, 0.6)
		s := r.run(map[string]string{"results": r.put("results/pass.json", "results.json"), "compare-to": "both"})
		s.mustCode(t, exitRegression)
		s.mustOutputs(t, map[string]string{"verdict": "regression", "regressed": "true"})
		body := r.fake.Comments(prNumber)[0].Body
		base := strings.Index(body, "## Against the base commit f95f852")
		rel := strings.Index(body, "## Against release v1.0.0 (commit "+commits[9][:7]+")")
		if base < 0 || rel < base || len(verdictLine.FindAllString(body, -1)) != 2 {
			t.Fatalf("the comment lacks the two comparisons under their headings:\n%s", body)
		}
		if !strings.Contains(body, "against the base commit f95f852: pass; against release v1.0.0: regression") {
			t.Errorf("the comment does not say both verdicts:\n%s", body)
		}
		if !strings.Contains(body[rel:], "baselines/default.json at "+commits[9][:7]+" (release v1.0.0)") {
			t.Errorf("the release's comparison does not name its baseline:\n%s", body[rel:])
		}
		st := r.fake.Statuses()
		if len(st) != 1 || st[0].State != "failure" || !strings.HasPrefix(st[0].Description, "release v1.0.0: regression") {
			t.Errorf("statuses %+v", st)
		}
		if !regexp.MustCompile(`(?m)^::error title=Circuit build p95 vs release v1.0.0::regressed`).MatchString(s.stdout) {
			t.Errorf("no error annotation for the release:\n%s", s.stdout)
		}
		for _, f := range []string{"report.json", "report-release.json"} {
			if _, err := os.Stat(filepath.Join(r.workspace, ".perfgate", f)); err != nil {
				t.Error(err)
			}
		}
	})
	t.Run("release only", func(t *testing.T) {
		r := newRunner(t, "pull_request")
		pushHistory(t, r, 12, 9, 0.6)
		s := r.run(map[string]string{"results": r.put("results/pass.json", "results.json"), "compare-to": "release"})
		s.mustCode(t, exitRegression)
		if body := r.fake.Comments(prNumber)[0].Body; len(verdictLine.FindAllString(body, -1)) != 1 || !strings.Contains(body, "(release v1.0.0)") {
			t.Errorf("comment:\n%s", body)
		}
	})
	t.Run("no release", func(t *testing.T) {
		r := newRunner(t, "pull_request")
		pushHistory(t, r, 12, -1, 1)
		s := r.run(map[string]string{"results": r.put("results/pass.json", "results.json"), "compare-to": "both"})
		s.mustCode(t, exitPass)
		body := r.fake.Comments(prNumber)[0].Body
		if !strings.Contains(body, "records no release") || strings.Contains(body, "## Against release") {
			t.Errorf("comment:\n%s", body)
		}
	})
}

// TestActionHistoryUnreadable: a history path that cannot be read (here a
// directory) is a warning; the baseline is written, the path left as it
// was, output history-path empty.
func TestActionHistoryUnreadable(t *testing.T) {
	p := newPusher(t, 3)
	if err := os.MkdirAll(filepath.Join(p.r.workspace, "baselines", "history.jsonl"), 0o755); err != nil {
		t.Fatal(err)
	}
	s := p.push(1, "refs/heads/master")
	s.mustOutputs(t, map[string]string{"history-path": "", "baseline-path": "baselines/default.json"})
	if !regexp.MustCompile(`(?m)^::warning title=perfgate history::baselines/history.jsonl cannot be read`).MatchString(s.stdout) {
		t.Errorf("no warning:\n%s", s.stdout)
	}
	if fi, err := os.Stat(filepath.Join(p.r.workspace, "baselines", "history.jsonl")); err != nil || !fi.IsDir() {
		t.Errorf("the path changed: %v", err)
	}
	if !strings.Contains(s.summary, "was not added") {
		t.Errorf("summary:\n%s", s.summary)
	}
}

// TestActionHistoryOff: an empty history input writes no history.
func TestActionHistoryOff(t *testing.T) {
	p := newPusher(t, 3)
	p.r.env["INPUT_HISTORY"] = ""
	s := p.push(1, "refs/heads/master")
	s.mustOutputs(t, map[string]string{"history-path": ""})
	if _, err := os.Stat(filepath.Join(p.r.workspace, "baselines", "history.jsonl")); !os.IsNotExist(err) {
		t.Errorf("a history was written: %v", err)
	}
	if _, ok := s.outputs["change-points"]; ok {
		t.Error("change-points set without a history")
	}
}
