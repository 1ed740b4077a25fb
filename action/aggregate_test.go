package action_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perfgate/perfgate/internal/fixture"
	"github.com/perfgate/perfgate/results"
)

// shardNetworks are the fixture networks each of three shards ran.
var shardNetworks = [][]int{{1, 2}, {3, 4}, {5, 6}}

// runShard runs check mode as shard i of k on the given results and moves
// its .perfgate/ artifact to shards/perfgate-shard-i, as
// actions/download-artifact lays the artifacts out for the aggregate job.
func (r *runner) runShard(t *testing.T, i, k int, res *results.Results) step {
	t.Helper()
	in := filepath.Join(r.workspace, "shard-results.json")
	if err := os.WriteFile(in, []byte(fixture.JSON(t, res)), 0o644); err != nil {
		t.Fatal(err)
	}
	s := r.run(map[string]string{"results": in, "shard": strings.Join([]string{itoa(i), itoa(k)}, "/")})
	dst := filepath.Join(r.workspace, "shards", "perfgate-shard-"+itoa(i))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(r.workspace, ".perfgate"), dst); err != nil {
		t.Fatal(err)
	}
	return s
}

func itoa(i int) string { return string(rune('0' + i)) }

// TestActionShardsPooled: three shards post nothing; the aggregate job
// pools them into one comparison with one comment and one status.
func TestActionShardsPooled(t *testing.T) {
	r := newRunner(t, "pull_request")
	for i, nets := range shardNetworks {
		s := r.runShard(t, i, 3, fixture.Results(t, 1, nets...))
		s.mustCode(t, exitPass)
		s.mustOutputs(t, map[string]string{"verdict": "shard", "shard": itoa(i) + "/3"})
		if !strings.Contains(s.summary, "## perfgate: shard "+itoa(i+1)+" of 3") {
			t.Errorf("shard %d's summary:\n%.300s", i, s.summary)
		}
	}
	if n, m := len(r.fake.Comments(prNumber)), len(r.fake.Statuses()); n != 0 || m != 0 {
		t.Fatalf("the shards posted %d comment(s) and %d status(es)", n, m)
	}
	s := r.run(map[string]string{"mode": "aggregate", "results": "shards"})
	s.mustCode(t, exitPass)
	s.mustOutputs(t, map[string]string{"verdict": "pass"})
	cs, st := r.fake.Comments(prNumber), r.fake.Statuses()
	if len(cs) != 1 || len(st) != 1 || st[0].State != "success" {
		t.Fatalf("%d comment(s), statuses %+v; want one of each, success", len(cs), st)
	}
	for _, want := range []string{"Pooled from all 3 shards", "pools the runs of 3 shards (shard 1: 2 runs, shard 2: 2 runs, shard 3: 2 runs)"} {
		if !strings.Contains(cs[0].Body, want) {
			t.Errorf("the comment lacks %q:\n%s", want, cs[0].Body)
		}
	}
}

// TestActionShardsMissing: the verdict names the shard that did not
// report and says what it is based on.
func TestActionShardsMissing(t *testing.T) {
	r := newRunner(t, "pull_request")
	for _, i := range []int{0, 2} {
		r.runShard(t, i, 3, fixture.Results(t, 1, shardNetworks[i]...)).mustCode(t, exitPass)
	}
	s := r.run(map[string]string{"mode": "aggregate", "results": "shards"})
	s.mustCode(t, exitPass)
	want := "Shard 2 of 3 did not report (the job failed before uploading its results, or the artifact is missing): the verdict is based on shard 1, 3 only."
	if cs := r.fake.Comments(prNumber); len(cs) != 1 || !strings.Contains(cs[0].Body, want) {
		t.Fatalf("the comment does not name the missing shard:\n%v", cs)
	}
}

// TestActionShardsRegression: a head 60 % slower in every shard fails the
// one status.
func TestActionShardsRegression(t *testing.T) {
	r := newRunner(t, "pull_request")
	for i, nets := range shardNetworks {
		r.runShard(t, i, 3, fixture.Mutate(fixture.Results(t, 1, nets...), fixture.ScaleLatency(60)))
	}
	s := r.run(map[string]string{"mode": "aggregate", "results": "shards"})
	s.mustCode(t, exitRegression)
	if st := r.fake.Statuses(); len(st) != 1 || st[0].State != "failure" {
		t.Fatalf("statuses %+v, want one failure", st)
	}
}

// TestActionShardsMixedEnvironments: a shard on another CPU is reported,
// not an error.
func TestActionShardsMixedEnvironments(t *testing.T) {
	r := newRunner(t, "pull_request")
	for i, nets := range shardNetworks {
		res := fixture.Results(t, 1, nets...)
		if i == 1 {
			res.Environment.CPUModel = "Other CPU"
		}
		r.runShard(t, i, 3, res)
	}
	s := r.run(map[string]string{"mode": "aggregate", "results": "shards"})
	s.mustCode(t, exitPass)
	if cs := r.fake.Comments(prNumber); len(cs) != 1 || !strings.Contains(cs[0].Body, "Other CPU") {
		t.Fatalf("the comment does not report shard 2's CPU:\n%v", cs)
	}
}

// TestActionShardsPaired: A/B shards, each with its own runner offset,
// are compared paired by runner.
func TestActionShardsPaired(t *testing.T) {
	r := newRunner(t, "pull_request")
	for i, nets := range shardNetworks {
		offset := []float64{0.8, 1.0, 1.3}[i]
		dir := filepath.Join(r.workspace, "shards", "perfgate-shard-"+itoa(i))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		base := fixture.Mutate(fixture.Results(t, 1, nets...), fixture.ScaleLatency(offset))
		head := fixture.Mutate(fixture.Results(t, 1, nets[1], nets[0]), fixture.ScaleLatency(offset))
		for name, content := range map[string]string{
			"results.json":          fixture.JSON(t, head),
			"baseline-results.json": fixture.JSON(t, base),
			"shard.json":            `{"index": ` + itoa(i) + `, "total": 3, "runner": "r` + itoa(i+1) + `", "ab": true, "results": "results.json", "baseline_results": "baseline-results.json", "verdict": "pass"}`,
		} {
			fixture.File(t, dir, name, content)
		}
	}
	s := r.run(map[string]string{"mode": "aggregate", "results": "shards"})
	s.mustCode(t, exitPass)
	cs := r.fake.Comments(prNumber)
	if len(cs) != 1 || !strings.Contains(cs[0].Body, "paired by runner") {
		t.Fatalf("the comment is not a paired comparison:\n%v", cs)
	}
	if !strings.Contains(cs[0].Body, "Student's t over the shards' log-ratios") || strings.Contains(cs[0].Body, "bootstrap confidence interval") {
		t.Errorf("the footnote does not name the paired test:\n%s", cs[0].Body)
	}
}

func TestActionShardBadInputs(t *testing.T) {
	for _, tc := range []struct {
		name   string
		inputs map[string]string
		want   string
	}{
		{"index out of range", map[string]string{"shard": "3/3", "results": "x.json"}, "input shard"},
		{"not a shard", map[string]string{"shard": "two", "results": "x.json"}, "input shard"},
		{"shard in baseline mode", map[string]string{"shard": "0/2", "mode": "baseline", "results": "x.json"}, "a shard is a check-mode job"},
		{"aggregate without results", map[string]string{"mode": "aggregate"}, "mode aggregate needs the directory"},
		{"aggregate of nothing", map[string]string{"mode": "aggregate", "results": "nowhere"}, "mode aggregate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRunner(t, "pull_request")
			s := r.run(tc.inputs)
			s.mustCode(t, exitError)
			if !strings.Contains(s.stderr+s.stdout, tc.want) {
				t.Errorf("output lacks %q:\n%s\n%s", tc.want, s.stdout, s.stderr)
			}
		})
	}
}

// forkShards runs three shard jobs as a fork's pull request's own run does
// (read-only token) and returns the directory holding their artifacts.
func forkShards(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for i, nets := range shardNetworks {
		c := newRunner(t, "pull_request")
		data := strings.Replace(string(readFixture(t, "events/pull_request.json")),
			`"full_name": "Codertocat/Hello-World"`, `"full_name": "`+forkRepo+`"`, 1)
		ev := filepath.Join(t.TempDir(), "pull_request.json")
		if err := os.WriteFile(ev, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		c.env["GITHUB_EVENT_PATH"] = ev
		c.runShard(t, i, 3, fixture.Results(t, 1, nets...)).mustCode(t, exitPass)
		if err := os.Rename(filepath.Join(c.workspace, "shards", "perfgate-shard-"+itoa(i)), filepath.Join(dir, "perfgate-shard-"+itoa(i))); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestActionShardsFork: the workflow_run reporter aggregates a fork's
// shards under mode report's trust rules: the pull request is the one the
// API lists for the run, and every shard's pr.json must agree with it.
func TestActionShardsFork(t *testing.T) {
	for _, tc := range []struct {
		name   string
		forge  bool
		code   int
		posted int
	}{
		{"trusted", false, exitPass, 1},
		{"a shard's pr.json names another pull request", true, exitError, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			artifacts := forkShards(t)
			if tc.forge {
				p := filepath.Join(artifacts, "perfgate-shard-1", "pr.json")
				data, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(strings.Replace(string(data), `"number": 2`, `"number": 42`, 1)), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			r := newRunner(t, "workflow_run")
			r.env["GITHUB_EVENT_PATH"] = mustAbs(t, filepath.Join(actionTestdata, "events", "workflow_run-fork.json"))
			r.fake.AddPullRequests(forkPulls...)
			if err := os.Rename(artifacts, filepath.Join(r.workspace, "shards")); err != nil {
				t.Fatal(err)
			}
			s := r.run(map[string]string{"mode": "aggregate", "results": "shards"})
			s.mustCode(t, tc.code)
			if n := len(r.fake.Comments(prNumber)) + len(r.fake.Comments(42)); n != tc.posted {
				t.Errorf("%d comment(s), want %d", n, tc.posted)
			}
			if tc.forge && !strings.Contains(s.stderr, "perfgate-shard-1/pr.json") {
				t.Errorf("the error does not name the forged pr.json:\n%s", s.stderr)
			}
		})
	}
}
