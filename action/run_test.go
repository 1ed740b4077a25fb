package action_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/perfgate/perfgate/action"
	"github.com/perfgate/perfgate/action/githubfake"
	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/internal/actiongate"
	"github.com/perfgate/perfgate/internal/fixture"
	"github.com/perfgate/perfgate/results"
)

var updateActionFixtures = flag.Bool("update-action-fixtures", false,
	"regenerate testdata/action/results from internal/fixture/loopback-noise")

const (
	actionTestdata = "testdata/action"
	testToken      = "ghs_0123456789abcdefSECRET"
	prNumber       = 2
	headSHA        = "ec26c3e57ca3a959ca5aad62de7213c562f8c821"
	baseSHA        = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e"
	pushSHA        = "6113728f27ae82c7b1a177c8d03f9e96e0adf246"
	runURLPrefix   = "https://github.com/Codertocat/Hello-World/actions/runs/"
)

// noiseDir holds the measurements of 8 private Tor networks that the
// results fixtures are made from (a copy in the repository).
func noiseDir() string { return fixture.Dir() }

// TestActionFixtures makes (with -update-action-fixtures) and checks the
// results fixtures: three networks' real measurements for the baseline,
// three others for a pull request that changes nothing (pass), and the same
// three with every circuit build 150 % slower (regression, beyond the 80 %
// allowed with three runs per side).
func TestActionFixtures(t *testing.T) {
	if *updateActionFixtures {
		dir := noiseDir()
		base := noiseResults(t, dir, []string{"network01", "network02", "network03"}, 1)
		b, err := check.NewBaseline(base, results.BaselineMeta{Commit: baseSHA, Ref: "refs/heads/master",
			Date: time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		writeJSONFile(t, filepath.Join(actionTestdata, "results", "baseline.json"), b)
		writeJSONFile(t, filepath.Join(actionTestdata, "results", "pass.json"),
			noiseResults(t, dir, []string{"network04", "network05", "network06"}, 1))
		writeJSONFile(t, filepath.Join(actionTestdata, "results", "regression.json"),
			noiseResults(t, dir, []string{"network04", "network05", "network06"}, 2.5))
	}
	for _, tc := range []struct {
		file string
		want check.Verdict
	}{{"pass.json", check.VerdictPass}, {"regression.json", check.VerdictRegression}} {
		b, err := results.ReadBaseline(filepath.Join(actionTestdata, "results", "baseline.json"))
		if err != nil {
			t.Fatal(err)
		}
		cur, err := results.Load(filepath.Join(actionTestdata, "results", tc.file), "")
		if err != nil {
			t.Fatal(err)
		}
		rep, err := check.Compare(&b.Results, cur, check.DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		if rep.Verdict != tc.want {
			t.Errorf("%s: verdict %s, want %s: %s", tc.file, rep.Verdict, tc.want, rep.Headline())
		}
	}
}

// noiseResults turns networks of loopback-noise into results, one run per
// network, with circuit latencies multiplied by slow.
func noiseResults(t *testing.T, dir string, networks []string, slow float64) *results.Results {
	t.Helper()
	start := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	res := &results.Results{
		Schema: results.SchemaResultsV1, Suite: results.SuiteName, Source: "perfgate", CreatedAt: start,
		Environment: results.Environment{OS: "linux", Arch: "amd64", Cores: 2, TorVersion: "0.4.9.11", ClientName: "tor", ClientVersion: "0.4.9.11"},
		Settings:    results.Settings{Runs: len(networks), Circuits: 100, ConcurrentStreams: 500},
	}
	for i, n := range networks {
		run := results.Run{Index: i, StartedAt: start.Add(time.Duration(i) * 5 * time.Minute)}
		// Circuit builds: milliseconds, one a line.
		cb := results.Benchmark{Key: results.BenchCircuitBuild, Name: "Circuit Build", Success: true}
		for _, line := range fixture.Lines(t, filepath.Join(dir, n, "circ_ms.txt")) {
			ms, err := strconv.ParseFloat(line, 64)
			if err != nil {
				t.Fatalf("%s/circ_ms.txt: %v", n, err)
			}
			cb.LatenciesS = append(cb.LatenciesS, ms*slow/1000)
			cb.DurationS += ms * slow / 1000
		}
		cb.TotalOperations = int64(len(cb.LatenciesS))
		cb.OperationsPerSec = float64(cb.TotalOperations) / cb.DurationS
		// Steady-state RSS: kB, 1 s apart.
		mem := results.Benchmark{Key: results.BenchMemoryUsage, Name: "Memory Usage", Success: true, DurationS: 5}
		for j, line := range fixture.Lines(t, filepath.Join(dir, n, "rss_kB.txt")) {
			kb, err := strconv.ParseUint(line, 10, 64)
			if err != nil {
				t.Fatalf("%s/rss_kB.txt: %v", n, err)
			}
			mem.Memory = append(mem.Memory, results.MemorySample{AtS: float64(j), RSS: kb * 1024})
		}
		// Stream capacity: the ladder of concurrent echo streams.
		sc := results.Benchmark{Key: results.BenchStreamScaling, Name: "Stream Scaling", Success: true}
		for _, line := range fixture.Lines(t, filepath.Join(dir, n, "capacity.jsonl")) {
			var raw map[string]any
			if err := json.Unmarshal([]byte(line), &raw); err != nil {
				t.Fatalf("%s/capacity.jsonl: %v", n, err)
			}
			f := func(k string) float64 { v, _ := raw[k].(float64); return v }
			streams, ok := int(f("n")), int(f("ok"))
			sc.Levels = append(sc.Levels, results.StreamLevel{
				Streams: streams, OK: ok, Failed: streams - ok,
				P50S: f("total_p50_ms") / 1000, P95S: f("total_p95_ms") / 1000, MaxS: f("total_max_ms") / 1000,
				WallS: f("wall_ms") / 1000, ThroughputBytesPerS: float64(ok) * 1024 / (f("wall_ms") / 1000),
				Pass: raw["pass"] == true,
			})
			sc.DurationS += f("wall_ms") / 1000
			sc.TotalOperations += int64(ok)
		}
		run.Benchmarks = []results.Benchmark{cb, mem, sc}
		res.Runs = append(res.Runs, run)
	}
	return res
}

func writeJSONFile(t *testing.T, path string, v any) {
	t.Helper()
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(actionTestdata, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// runner is one simulated GitHub runner: a workspace, the runner's files,
// a fake GitHub API under /api/v3, and the environment the runner gives a
// Docker action's container.
type runner struct {
	t         *testing.T
	fake      *githubfake.Server
	workspace string
	env       map[string]string
	sleeps    []time.Duration
	// now is the action's clock (time.Now when nil).
	now func() time.Time
}

func newRunner(t *testing.T, event string) *runner {
	t.Helper()
	fake := githubfake.New("/api/v3", "Codertocat", "Hello-World")
	t.Cleanup(fake.Close)
	dir := t.TempDir()
	ws := filepath.Join(dir, "workspace")
	if err := os.MkdirAll(ws, 0o755); err != nil {
		t.Fatal(err)
	}
	r := &runner{t: t, fake: fake, workspace: ws}
	r.env = map[string]string{
		"GITHUB_ACTIONS":    "true",
		"CI":                "true",
		"GITHUB_EVENT_NAME": event,
		"GITHUB_EVENT_PATH": mustAbs(t, filepath.Join(actionTestdata, "events", event+".json")),
		"GITHUB_REPOSITORY": "Codertocat/Hello-World",
		"GITHUB_API_URL":    fake.APIURL(),
		"GITHUB_SERVER_URL": "https://github.com",
		"GITHUB_RUN_ID":     "4242",
		"GITHUB_WORKSPACE":  ws,
		"GITHUB_SHA":        headSHA,
		"RUNNER_TEMP":       dir,
		// The defaults action.yml gives every input.
		"INPUT_MODE":               "check",
		"INPUT_BASELINE":           "baselines/default.json",
		"INPUT_RUNS":               "5",
		"INPUT_QUICK":              "false",
		"INPUT_GITHUB-TOKEN":       testToken,
		"INPUT_COMMENT":            "true",
		"INPUT_STATUS-CONTEXT":     "perfgate",
		"INPUT_FAIL-ON-REGRESSION": "true",
		"INPUT_HISTORY":            "baselines/history.jsonl",
		"INPUT_COMPARE-TO":         "base",
	}
	if event == "push" {
		r.env["GITHUB_SHA"] = pushSHA
		r.env["GITHUB_REF"] = "refs/heads/master"
	}
	// The baseline as it is on the base commit.
	fake.SetFile(baseSHA, "baselines/default.json", readFixture(t, "results/baseline.json"))
	return r
}

func mustAbs(t *testing.T, p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// put copies a fixture into the workspace.
func (r *runner) put(fixture, dst string) string {
	r.t.Helper()
	p := filepath.Join(r.workspace, dst)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, readFixture(r.t, fixture), 0o644); err != nil {
		r.t.Fatal(err)
	}
	return dst
}

// step is the outcome of one run of the action as one workflow step.
type step struct {
	code    int
	stdout  string
	stderr  string
	outputs map[string]string
	summary string
}

// run runs the entrypoint as the container does: no arguments, the
// runner's environment, fresh GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files.
func (r *runner) run(inputs map[string]string) step {
	r.t.Helper()
	env := map[string]string{}
	for k, v := range r.env {
		env[k] = v
	}
	for k, v := range inputs {
		env["INPUT_"+strings.ToUpper(k)] = v
	}
	files := r.t.TempDir()
	env["GITHUB_OUTPUT"] = filepath.Join(files, "output")
	env["GITHUB_STEP_SUMMARY"] = filepath.Join(files, "summary")
	for _, f := range []string{"output", "summary"} {
		os.WriteFile(filepath.Join(files, f), nil, 0o644)
	}
	var stdout, stderr bytes.Buffer
	getenv := func(k string) string { return env[k] }
	err := action.Run(context.Background(), action.Options{
		Getenv: getenv, Stdout: &stdout, Stderr: &stderr,
		Gate:  actiongate.New(&stdout, &stderr, getenv, nil),
		Sleep: func(_ context.Context, d time.Duration) error { r.sleeps = append(r.sleeps, d); return nil },
		Now:   r.now,
	})
	s := step{code: exitCode(err, &stderr), stdout: stdout.String(), stderr: stderr.String()}
	out, _ := os.ReadFile(env["GITHUB_OUTPUT"])
	s.outputs = parseOutputs(r.t, string(out))
	sum, _ := os.ReadFile(env["GITHUB_STEP_SUMMARY"])
	s.summary = string(sum)
	// The token never shows, but in the mask command that hides it.
	for name, text := range map[string]string{"stdout": s.stdout, "stderr": s.stderr, "summary": s.summary, "outputs": string(out)} {
		if strings.Count(text, testToken) != strings.Count(text, "::add-mask::"+testToken) {
			r.t.Errorf("%s shows the token", name)
		}
	}
	if !strings.HasPrefix(s.stdout, "::add-mask::"+testToken+"\n") {
		r.t.Errorf("the token is not masked first: stdout begins %q", firstLine(s.stdout))
	}
	for _, req := range r.fake.Requests() {
		if req.Auth != "Bearer "+testToken {
			r.t.Errorf("%s %s: Authorization %q", req.Method, req.Path, req.Auth)
		}
	}
	return s
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// parseOutputs reads GITHUB_OUTPUT's name<<DELIMITER format.
func parseOutputs(t *testing.T, s string) map[string]string {
	out := map[string]string{}
	lines := strings.Split(s, "\n")
	for i := 0; i < len(lines); i++ {
		name, delim, ok := strings.Cut(lines[i], "<<")
		if !ok {
			if strings.TrimSpace(lines[i]) != "" {
				t.Errorf("GITHUB_OUTPUT line %q", lines[i])
			}
			continue
		}
		var val []string
		for i++; i < len(lines) && lines[i] != delim; i++ {
			val = append(val, lines[i])
		}
		if _, dup := out[name]; dup {
			t.Errorf("output %s set twice", name)
		}
		out[name] = strings.Join(val, "\n")
	}
	return out
}

func (s step) mustCode(t *testing.T, want int) {
	t.Helper()
	if s.code != want {
		t.Fatalf("exit code %d, want %d\nstderr: %s\nstdout: %s", s.code, want, s.stderr, s.stdout)
	}
}

func (s step) mustOutputs(t *testing.T, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got, ok := s.outputs[k]; !ok || got != v {
			t.Errorf("output %s = %q (set: %v), want %q", k, got, ok, v)
		}
	}
}

func TestActionCheckPass(t *testing.T) {
	r := newRunner(t, "pull_request")
	res := r.put("results/pass.json", "perf/results.json")
	s := r.run(map[string]string{"results": res})
	s.mustCode(t, exitPass)
	s.mustOutputs(t, map[string]string{"verdict": "pass", "regressed": "false",
		"report-markdown": ".perfgate/report.md", "results-json": "perf/results.json"})
	cs := r.fake.Comments(prNumber)
	if len(cs) != 1 {
		t.Fatalf("%d comments, want 1", len(cs))
	}
	if !strings.HasPrefix(cs[0].Body, action.Marker("perfgate")) || !strings.Contains(cs[0].Body, "perfgate: pass") {
		t.Errorf("comment:\n%s", cs[0].Body)
	}
	if !strings.Contains(s.outputs["comment-url"], fmt.Sprintf("#issuecomment-%d", cs[0].ID)) {
		t.Errorf("comment-url %q", s.outputs["comment-url"])
	}
	st := r.fake.Statuses()
	if len(st) != 1 || st[0].SHA != headSHA || st[0].State != "success" || st[0].Context != "perfgate" ||
		!strings.HasPrefix(st[0].Description, "pass") || st[0].TargetURL != runURLPrefix+"4242" {
		t.Errorf("statuses %+v", st)
	}
	if !strings.Contains(s.summary, "perfgate: pass") || !strings.Contains(s.summary, "Circuit build p95") {
		t.Errorf("summary:\n%s", s.summary)
	}
	md, err := os.ReadFile(filepath.Join(r.workspace, ".perfgate", "report.md"))
	if err != nil || !strings.Contains(string(md), "perfgate: pass") {
		t.Errorf("report.md: %v", err)
	}
	// pr.json is there for the workflow_run reporter, beside a copy of the results.
	for _, f := range []string{"pr.json", "results.json", "report.json"} {
		if _, err := os.Stat(filepath.Join(r.workspace, ".perfgate", f)); err != nil {
			t.Error(err)
		}
	}
	// The baseline was read at the base commit, and the API calls were these.
	want := []string{
		"GET /repos/Codertocat/Hello-World/pulls/2/files",
		"GET /repos/Codertocat/Hello-World/contents/baselines/default.json",
		"GET /repos/Codertocat/Hello-World/contents/baselines/history.jsonl",
		"GET /repos/Codertocat/Hello-World/issues/2/comments",
		"POST /repos/Codertocat/Hello-World/issues/2/comments",
		"POST /repos/Codertocat/Hello-World/statuses/" + headSHA,
	}
	var got []string
	for _, req := range r.fake.Requests() {
		got = append(got, req.Method+" "+req.Path)
		if strings.Contains(req.Path, "/contents/") && req.Query != "ref="+baseSHA {
			t.Errorf("contents read at %q, want ref=%s", req.Query, baseSHA)
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("calls:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if strings.Contains(s.stdout, "::error") {
		t.Errorf("an error annotation on a pass:\n%s", s.stdout)
	}
}

func TestActionCommentCreatedThenEdited(t *testing.T) {
	r := newRunner(t, "pull_request")
	res := r.put("results/pass.json", "results.json")
	r.run(map[string]string{"results": res}).mustCode(t, exitPass)
	first := r.fake.Comments(prNumber)
	r.put("results/regression.json", "results.json")
	s := r.run(map[string]string{"results": res})
	s.mustCode(t, exitRegression)
	cs := r.fake.Comments(prNumber)
	if len(cs) != 1 || len(first) != 1 || cs[0].ID != first[0].ID {
		t.Fatalf("comments after two runs: %+v (first run: %+v)", cs, first)
	}
	if !strings.Contains(cs[0].Body, "regression") {
		t.Errorf("the comment was not updated:\n%s", cs[0].Body)
	}
	if n := r.fake.Count("POST", `/repos/.*/issues/2/comments`); n != 1 {
		t.Errorf("%d comments created, want 1", n)
	}
	if n := r.fake.Count("PATCH", `/repos/Codertocat/Hello-World/issues/comments/\d+`); n != 1 {
		t.Errorf("%d edits, want 1", n)
	}
	st := r.fake.Statuses()
	if len(st) != 2 || st[0].State != "success" || st[1].State != "failure" {
		t.Errorf("statuses %+v", st)
	}
}

func TestActionFindsCommentOnPage2(t *testing.T) {
	r := newRunner(t, "pull_request")
	ids := r.fake.AddComments(prNumber, 150, func(i int) string {
		if i == 130 {
			return action.Marker("perfgate") + "\nan old report"
		}
		return fmt.Sprintf("review comment %d", i)
	})
	res := r.put("results/pass.json", "results.json")
	s := r.run(map[string]string{"results": res})
	s.mustCode(t, exitPass)
	cs := r.fake.Comments(prNumber)
	if len(cs) != 150 {
		t.Fatalf("%d comments, want 150", len(cs))
	}
	if cs[130].ID != ids[130] || !strings.Contains(cs[130].Body, "perfgate: pass") {
		t.Errorf("comment 130 not edited: %q", cs[130].Body)
	}
	if n := r.fake.Count("GET", `/repos/Codertocat/Hello-World/issues/2/comments`); n != 2 {
		t.Errorf("%d pages read, want 2", n)
	}
	if !strings.HasSuffix(s.outputs["comment-url"], fmt.Sprintf("-%d", ids[130])) {
		t.Errorf("comment-url %q", s.outputs["comment-url"])
	}
}

func TestActionReadOnlyToken(t *testing.T) {
	for _, tc := range []struct {
		results string
		code    int
		verdict string
		status  int
	}{
		{"results/pass.json", exitPass, "pass", 403},
		{"results/regression.json", exitRegression, "regression", 403},
		{"results/pass.json", exitPass, "pass", 404},
	} {
		t.Run(fmt.Sprintf("%s %d", tc.verdict, tc.status), func(t *testing.T) {
			r := newRunner(t, "pull_request")
			msg := "Resource not accessible by integration"
			if tc.status == 404 {
				msg = "Not Found"
			}
			r.fake.Fail(githubfake.Failure{Method: "GET", Path: `/repos/.*/issues/2/comments`, Status: tc.status, Times: 1, Message: msg})
			r.fake.Fail(githubfake.Failure{Method: "POST", Path: `/repos/.*/statuses/.*`, Status: tc.status, Times: 1, Message: msg})
			s := r.run(map[string]string{"results": r.put(tc.results, "results.json")})
			s.mustCode(t, tc.code)
			s.mustOutputs(t, map[string]string{"verdict": tc.verdict, "comment-url": ""})
			if !strings.Contains(s.summary, "perfgate: "+tc.verdict) || !strings.Contains(s.summary, "Circuit build p95") {
				t.Errorf("the summary lacks the report:\n%s", s.summary)
			}
			if !strings.Contains(s.summary, "could not post") {
				t.Errorf("the summary does not say the post failed:\n%s", s.summary)
			}
			for _, want := range []string{"list the pull request's comments", "set the commit status", fmt.Sprintf("HTTP %d", tc.status), "permissions:", "fork"} {
				if !regexp.MustCompile(`(?m)^::warning .*` + regexp.QuoteMeta(want)).MatchString(s.stdout) {
					t.Errorf("no warning saying %q:\n%s", want, s.stdout)
				}
			}
			if len(r.fake.Comments(prNumber)) != 0 || len(r.fake.Statuses()) != 0 {
				t.Error("posted despite 403")
			}
			if len(r.sleeps) != 0 {
				t.Errorf("403 retried: %v", r.sleeps)
			}
		})
	}
}

func TestActionRetries502(t *testing.T) {
	r := newRunner(t, "pull_request")
	r.fake.Fail(githubfake.Failure{Method: "GET", Path: `/repos/.*/issues/2/comments`, Status: 502, Times: 1})
	r.fake.Fail(githubfake.Failure{Method: "POST", Path: `/repos/.*/statuses/.*`, Status: 502, Times: 2})
	s := r.run(map[string]string{"results": r.put("results/pass.json", "results.json")})
	s.mustCode(t, exitPass)
	if len(r.fake.Comments(prNumber)) != 1 || len(r.fake.Statuses()) != 1 {
		t.Errorf("comments %d, statuses %d, want 1 and 1", len(r.fake.Comments(prNumber)), len(r.fake.Statuses()))
	}
	if n := r.fake.Count("POST", `/repos/.*/statuses/.*`); n != 3 {
		t.Errorf("%d status calls, want 3", n)
	}
	if fmt.Sprint(r.sleeps) != "[1s 1s 2s]" {
		t.Errorf("waits %v", r.sleeps)
	}
	if !strings.Contains(s.stdout, "502 Bad Gateway; retrying") {
		t.Errorf("retries not logged:\n%s", s.stdout)
	}
}

func TestActionServerErrorAfterRetries(t *testing.T) {
	r := newRunner(t, "pull_request")
	r.fake.Fail(githubfake.Failure{Method: "POST", Path: `/repos/.*/statuses/.*`, Status: 503, Times: 100})
	s := r.run(map[string]string{"results": r.put("results/pass.json", "results.json")})
	s.mustCode(t, exitError)
	s.mustOutputs(t, map[string]string{"verdict": "pass"})
	if !strings.Contains(s.stderr, "set the commit status (HTTP 503)") || !strings.Contains(s.stderr, "re-run") {
		t.Errorf("stderr: %s", s.stderr)
	}
	if len(r.fake.Comments(prNumber)) != 1 {
		t.Error("the comment was not posted")
	}
}

func TestActionRegression(t *testing.T) {
	r := newRunner(t, "pull_request")
	s := r.run(map[string]string{"results": r.put("results/regression.json", "results.json")})
	s.mustCode(t, exitRegression)
	s.mustOutputs(t, map[string]string{"verdict": "regression", "regressed": "true"})
	st := r.fake.Statuses()
	if len(st) != 1 || st[0].State != "failure" || !strings.Contains(st[0].Description, "Circuit build p95") ||
		len([]rune(st[0].Description)) > 140 {
		t.Errorf("statuses %+v", st)
	}
	if !regexp.MustCompile(`(?m)^::error title=Circuit build p95::regressed`).MatchString(s.stdout) {
		t.Errorf("no error annotation for the circuit p95:\n%s", s.stdout)
	}
	if !strings.Contains(s.stderr, "performance regression") {
		t.Errorf("stderr: %s", s.stderr)
	}

	t.Run("fail-on-regression false", func(t *testing.T) {
		s := r.run(map[string]string{"results": "results.json", "fail-on-regression": "false"})
		s.mustCode(t, exitPass)
		s.mustOutputs(t, map[string]string{"verdict": "regression", "regressed": "true"})
		if st := r.fake.Statuses(); st[len(st)-1].State != "failure" {
			t.Errorf("status %+v", st[len(st)-1])
		}
	})
}

func TestActionBaselineChangedByPR(t *testing.T) {
	r := newRunner(t, "pull_request")
	// The pull request replaces the baseline with one made from the slow
	// results, so that its own regression would pass against it.
	r.put("results/regression.json", "baselines/default.json")
	r.fake.SetPullRequestFiles(prNumber, "README.md", "baselines/default.json")
	s := r.run(map[string]string{"results": r.put("results/regression.json", "results.json")})
	s.mustCode(t, exitRegression)
	body := r.fake.Comments(prNumber)[0].Body
	note := "This pull request changes baselines/ (baselines/default.json)"
	for name, text := range map[string]string{"comment": body, "summary": s.summary} {
		i := strings.Index(text, note)
		if i < 0 {
			t.Errorf("%s does not call out the baseline change:\n%s", name, text)
			continue
		}
		// At the top: before the table.
		if j := strings.Index(text, "| Metric"); j < i {
			t.Errorf("%s: the note comes after the table", name)
		}
	}
}

func TestActionNoBaselineOnBase(t *testing.T) {
	r := newRunner(t, "pull_request")
	s := r.run(map[string]string{"results": r.put("results/pass.json", "results.json"), "baseline": "baselines/other.json"})
	s.mustCode(t, exitPass)
	if !strings.Contains(s.summary, "There is no baseline baselines/other.json on the base commit f95f852") {
		t.Errorf("summary:\n%s", s.summary)
	}
}

// TestActionFirstBaselineHint: with no baseline at the base commit, the
// report's command that makes it works as printed in the workspace (and in
// a checkout with the perfgate artifact in .perfgate/): the baseline input
// as the file to write, the results by a workspace path even when the
// results input lies outside the workspace.
func TestActionFirstBaselineHint(t *testing.T) {
	r := newRunner(t, "pull_request")
	outside := filepath.Join(r.env["RUNNER_TEMP"], "results.json")
	if err := os.WriteFile(outside, readFixture(t, "results/pass.json"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := r.run(map[string]string{"results": outside, "baseline": "baselines/other.json"})
	s.mustCode(t, exitPass)
	want := "perfgate baseline --results .perfgate/results.json --out baselines/other.json"
	for name, text := range map[string]string{"summary": s.summary, "comment": r.fake.Comments(prNumber)[0].Body} {
		m := regexp.MustCompile("(?m)^No baseline yet. Create it with:\n\n```sh\n(.*)\n```").FindStringSubmatch(text)
		if m == nil || m[1] != want {
			t.Fatalf("%s: the hint is %q, want %q:\n%s", name, m, want, text)
		}
		if !strings.Contains(text, "mode baseline on the default branch") {
			t.Errorf("%s does not point to the baseline workflow:\n%s", name, text)
		}
	}
	// cmd/perfgate TestBaselineHintWorks runs that command as printed.
}

func TestActionBaselineFromGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	r := newRunner(t, "pull_request")
	git := func(args ...string) string {
		cmd := exec.Command("git", append([]string{"-C", r.workspace, "-c", "user.name=t", "-c", "user.email=t@example.org"}, args...)...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q")
	r.put("results/baseline.json", "baselines/default.json")
	git("add", ".")
	git("commit", "-q", "-m", "base")
	base := git("rev-parse", "HEAD")
	// The pull request's tree has another baseline.
	r.put("results/regression.json", "baselines/default.json")
	// The event names the real base commit.
	data := strings.ReplaceAll(string(readFixture(t, "events/pull_request.json")), baseSHA, base)
	ev := filepath.Join(t.TempDir(), "event.json")
	os.WriteFile(ev, []byte(data), 0o644)
	r.env["GITHUB_EVENT_PATH"] = ev
	resPath := r.put("results/regression.json", "results.json")
	if os.Getuid() == 0 {
		// As in the container: the workspace belongs to the runner's user,
		// not to the user git runs as, which git calls dubious ownership.
		if out, err := exec.Command("chown", "-R", "65534:65534", r.workspace).CombinedOutput(); err != nil {
			t.Fatalf("chown: %v\n%s", err, out)
		}
		if out, err := exec.Command("git", "-C", r.workspace, "status").CombinedOutput(); err == nil || !strings.Contains(string(out), "dubious ownership") {
			t.Logf("git does not refuse the workspace here: %v\n%s", err, out)
		}
	}
	s := r.run(map[string]string{"results": resPath})
	s.mustCode(t, exitRegression)
	if n := r.fake.Count("GET", `/repos/.*/contents/.*`); n != 0 {
		t.Errorf("%d contents API calls, want 0 (git has the commit)", n)
	}
	if !strings.Contains(s.stdout, "at the base commit "+base[:7]+" through git") {
		t.Errorf("stdout:\n%s", s.stdout)
	}
}

func TestActionBaselineMode(t *testing.T) {
	r := newRunner(t, "push")
	s := r.run(map[string]string{"mode": "baseline", "results": r.put("results/pass.json", "results.json")})
	s.mustCode(t, exitPass)
	s.mustOutputs(t, map[string]string{"baseline-path": "baselines/default.json", "results-json": "results.json"})
	b, err := results.ReadBaseline(filepath.Join(r.workspace, "baselines", "default.json"))
	if err != nil {
		t.Fatal(err)
	}
	if b.Commit != pushSHA || b.Ref != "refs/heads/master" || len(b.Results.Runs) != 3 {
		t.Errorf("baseline commit %s ref %s runs %d", b.Commit, b.Ref, len(b.Results.Runs))
	}
	if len(r.fake.Requests()) != 0 {
		t.Errorf("baseline mode called the API: %+v", r.fake.Requests())
	}
	if !strings.Contains(s.summary, "new baseline") {
		t.Errorf("summary:\n%s", s.summary)
	}

	t.Run("keep_runs accumulates", func(t *testing.T) {
		p := filepath.Join(r.workspace, "baselines", "default.json")
		b, err := results.ReadBaseline(p)
		if err != nil {
			t.Fatal(err)
		}
		b.KeepRuns = 5
		if err := results.WriteBaseline(p, b); err != nil {
			t.Fatal(err)
		}
		for _, want := range []int{5, 5} { // 3 + 3 kept up to 5, then again
			s := r.run(map[string]string{"mode": "baseline", "results": "results.json"})
			s.mustCode(t, exitPass)
			b, err := results.ReadBaseline(p)
			if err != nil {
				t.Fatal(err)
			}
			if len(b.Results.Runs) != want || b.KeepRuns != 5 {
				t.Errorf("%d runs, keep_runs %d; want %d, 5", len(b.Results.Runs), b.KeepRuns, want)
			}
		}
	})
	t.Run("never from a failed run", func(t *testing.T) {
		before, _ := os.ReadFile(filepath.Join(r.workspace, "baselines", "default.json"))
		var res results.Results
		json.Unmarshal(readFixture(t, "results/pass.json"), &res)
		res.Runs[1].Error = "network did not bootstrap"
		writeJSONFile(t, filepath.Join(r.workspace, "failed.json"), &res)
		s := r.run(map[string]string{"mode": "baseline", "results": "failed.json"})
		s.mustCode(t, exitError)
		s.mustOutputs(t, map[string]string{"verdict": "error"})
		if _, ok := s.outputs["baseline-path"]; ok {
			t.Error("baseline-path set")
		}
		after, _ := os.ReadFile(filepath.Join(r.workspace, "baselines", "default.json"))
		if !bytes.Equal(before, after) {
			t.Error("the baseline changed")
		}
		if !strings.Contains(s.stderr, "network did not bootstrap") {
			t.Errorf("stderr: %s", s.stderr)
		}
	})
}

func TestActionNoComment(t *testing.T) {
	r := newRunner(t, "pull_request")
	s := r.run(map[string]string{"results": r.put("results/pass.json", "results.json"), "comment": "false", "status-context": "perfgate / tor"})
	s.mustCode(t, exitPass)
	s.mustOutputs(t, map[string]string{"comment-url": ""})
	if n := len(r.fake.Requests()); n != 4 { // files, baseline, history, status
		t.Errorf("%d API calls, want 4: %+v", n, r.fake.Requests())
	}
	if st := r.fake.Statuses(); len(st) != 1 || st[0].Context != "perfgate / tor" {
		t.Errorf("statuses %+v", st)
	}
}

// TestActionCheckOnPush: mode check on an event without a pull request
// compares with the workspace's baseline and posts nothing.
func TestActionCheckOnPush(t *testing.T) {
	r := newRunner(t, "push")
	r.put("results/baseline.json", "baselines/default.json")
	s := r.run(map[string]string{"results": r.put("results/regression.json", "results.json")})
	s.mustCode(t, exitRegression)
	s.mustOutputs(t, map[string]string{"verdict": "regression", "comment-url": ""})
	if n := len(r.fake.Requests()); n != 0 {
		t.Errorf("%d API calls on a push", n)
	}
	if !strings.Contains(s.summary, "Circuit build p95") {
		t.Errorf("summary:\n%s", s.summary)
	}
}

// TestActionFailedRun: a run that failed as a whole gives no verdict:
// exit 2, an error status, the report still everywhere.
func TestActionFailedRun(t *testing.T) {
	r := newRunner(t, "pull_request")
	var res results.Results
	if err := json.Unmarshal(readFixture(t, "results/pass.json"), &res); err != nil {
		t.Fatal(err)
	}
	res.Runs[2].Error = "client exited: status 1"
	writeJSONFile(t, filepath.Join(r.workspace, "results.json"), &res)
	s := r.run(map[string]string{"results": "results.json"})
	s.mustCode(t, exitError)
	s.mustOutputs(t, map[string]string{"verdict": "error", "regressed": "false"})
	if st := r.fake.Statuses(); len(st) != 1 || st[0].State != "error" {
		t.Errorf("statuses %+v", st)
	}
	if cs := r.fake.Comments(prNumber); len(cs) != 1 || !strings.Contains(cs[0].Body, "client exited") {
		t.Errorf("comments %+v", cs)
	}
}

func TestActionBadInputs(t *testing.T) {
	for _, tc := range []struct {
		name   string
		inputs map[string]string
		want   string
	}{
		{"runs", map[string]string{"runs": "many"}, "input runs"},
		{"comment", map[string]string{"comment": "perhaps"}, "input comment"},
		{"mode", map[string]string{"mode": "deploy", "results": "x.json"}, "input mode"},
		{"report without results", map[string]string{"mode": "report"}, "input results"},
		{"missing results", map[string]string{"results": "nope.json"}, "nope.json"},
		{"max-runs below runs", map[string]string{"max-runs": "2"}, "input max-runs: 2 is less than runs 5"},
		{"time-budget", map[string]string{"time-budget": "soon"}, "input time-budget"},
		{"A/B with a results file", map[string]string{"baseline-client-command": "tor", "results": "x.json"}, "input baseline-client-command"},
		{"A/B in baseline mode", map[string]string{"baseline-client-command": "tor", "mode": "baseline"}, "input baseline-client-command"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRunner(t, "pull_request")
			s := r.run(tc.inputs)
			s.mustCode(t, exitError)
			if !strings.Contains(s.stderr, tc.want) || !strings.Contains(s.stdout, "::error") {
				t.Errorf("stderr %q, stdout %q", s.stderr, s.stdout)
			}
			if s.outputs["verdict"] != "error" {
				t.Errorf("verdict %q", s.outputs["verdict"])
			}
		})
	}
}

// TestActionRunsSuite runs the action as a pull request's check with no
// results input: the suite runs (quick, one run) against Debian's tor on
// a real private network, and the report reaches the fake GitHub.
func TestActionRunsSuite(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a private Tor network (about a minute)")
	}
	if _, err := exec.LookPath("tor"); err != nil {
		t.Skip("tor is not installed (make deps)")
	}
	r := newRunner(t, "pull_request")
	s := r.run(map[string]string{"quick": "true", "runs": "1"})
	if s.code != exitPass && s.code != exitRegression {
		t.Fatalf("exit code %d\nstderr: %s\nstdout: %s", s.code, s.stderr, s.stdout)
	}
	s.mustOutputs(t, map[string]string{"results-json": ".perfgate/results.json"})
	res, err := results.Load(filepath.Join(r.workspace, ".perfgate", "results.json"), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Runs) != 1 || !res.Settings.Quick || res.Runs[0].Error != "" {
		t.Errorf("results: %d runs, quick %v, error %q", len(res.Runs), res.Settings.Quick, res.Runs[0].Error)
	}
	st := r.fake.Statuses()
	if len(st) != 1 || (st[0].State != "success" && st[0].State != "failure") {
		t.Errorf("statuses %+v", st)
	}
	if len(r.fake.Comments(prNumber)) != 1 {
		t.Error("no comment")
	}
	if !strings.Contains(s.stdout, "::group::") {
		t.Error("the suite's phases are not grouped in the log")
	}
}

// TestActionRunsAB runs the action as a pull request's check in A/B mode
// (baseline-client-command): both clients run on one real private network
// (quick, one run each), the stored baseline is not read, and the one
// comment says the comparison was interleaved A/B.
func TestActionRunsAB(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a private Tor network (about a minute)")
	}
	tor, err := exec.LookPath("tor")
	if err != nil {
		t.Skip("tor is not installed (make deps)")
	}
	r := newRunner(t, "pull_request")
	baseCmd := tor + " --defaults-torrc /dev/null -f {torrc} --CircuitStreamTimeout 31"
	s := r.run(map[string]string{"quick": "true", "runs": "1", "baseline-client-command": baseCmd})
	if s.code != exitPass && s.code != exitRegression {
		t.Fatalf("exit code %d\nstderr: %s\nstdout: %s", s.code, s.stderr, s.stdout)
	}
	s.mustOutputs(t, map[string]string{"results-json": ".perfgate/results.json", "report-markdown": ".perfgate/report.md"})
	head, herr := results.Load(filepath.Join(r.workspace, ".perfgate", "results.json"), "")
	base, berr := results.Load(filepath.Join(r.workspace, ".perfgate", "baseline-results.json"), "")
	if herr != nil || berr != nil {
		t.Fatal(herr, berr)
	}
	if len(head.Runs) != 1 || head.Runs[0].Label != "B" || len(base.Runs) != 1 || base.Runs[0].Label != "A" || base.Environment.ClientCommand != baseCmd {
		t.Errorf("head %d runs, base %d runs (%q)", len(head.Runs), len(base.Runs), base.Environment.ClientCommand)
	}
	for _, req := range r.fake.Requests() {
		if strings.Contains(req.Path, "/contents/") {
			t.Errorf("A/B mode read the stored baseline: %s %s", req.Method, req.Path)
		}
	}
	cs := r.fake.Comments(prNumber)
	if len(cs) != 1 || !strings.Contains(cs[0].Body, "**Comparison:** interleaved A/B on one private network: 1 run per side") ||
		!strings.Contains(cs[0].Body, "CircuitStreamTimeout") {
		t.Errorf("comments %+v", cs)
	}
	if st := r.fake.Statuses(); len(st) != 1 || (st[0].State != "success" && st[0].State != "failure") {
		t.Errorf("statuses %+v", st)
	}
}

// Exit codes of the action's container (cmd/perfgate's): 0 pass, 1
// regression, 2 error.
const (
	exitPass       = 0
	exitRegression = 1
	exitError      = 2
)

// exitCode is the container's exit code for Run's error, which it prints
// as the entrypoint does.
func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil:
		return exitPass
	case errors.Is(err, check.ErrRegression):
		fmt.Fprintf(stderr, "perfgate: %v\n", err)
		return exitRegression
	default:
		fmt.Fprintf(stderr, "perfgate: %v\n", err)
		return exitError
	}
}
