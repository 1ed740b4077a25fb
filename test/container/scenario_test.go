//go:build containertest

package container

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// A scenario is one pull request on a repository that the fake GitHub
// plays: a bare repository on the host holds its commits and refs, the
// fake serves its contents and files, and each run of the action gets a
// fresh runner job with a depth-1 checkout of refs/pull/N/merge.
type scenario struct {
	e        *env
	gh       *fakeGitHub
	bare     string
	base1    string // main before the baseline exists
	base2    string // main with baselines/default.json
	head     string // the pull request's head
	defaults map[string]string
	runs     int // runs so far (the live run counts)
	seenReqs int // requests of the fake already checked
	current  *actionResult
	// stop makes the next run send SIGTERM to the entrypoint once the
	// private network's tor processes run, as `docker stop` does.
	stop bool
}

// An actionResult is what one run of the action left: its exit code and
// output, the runner's files, and the files its outputs name.
type actionResult struct {
	name     string
	exit     int
	err      error
	stdout   string
	stderr   string
	outputs  map[string]string
	summary  string
	files    map[string][]byte // contents of the files the outputs name, by output
	leftover []process
	inputs   map[string]string
	elapsed  time.Duration
	// stopped is set when the run was stopped with SIGTERM; exitAfter is
	// the time from the signal to the end of the entrypoint.
	stopped   bool
	exitAfter time.Duration
	// seen is what was seen of the run's processes while it ran.
	seen *watch
}

// shimInImage is where the Dockerfile puts the quick-ACK shim, one of the
// places torlab.FindShim looks.
const shimInImage = "/usr/local/lib/perfgate/libperfgate-quickack.so"

// A watch samples the processes in a container while the action runs, from
// the host: the entrypoint's capabilities (the action's own, not a probe's)
// and, for each tor process, whether the quick-ACK shim is mapped into it.
type watch struct {
	c    *container
	mu   sync.Mutex
	stop chan struct{}
	done chan struct{}

	entryCaps *procCaps
	entryPID  int
	tors      map[int]*torSeen
}

// torSeen is one tor process of the private network as the watch saw it.
type torSeen struct {
	node    string // the directory of its torrc: auth1, relay2, exit1, client, client2, …
	samples int
	shim    bool // the shim was mapped in some sample
}

func (ts *torSeen) client() bool { return strings.HasPrefix(ts.node, "client") }

func newWatch(c *container) *watch {
	w := &watch{c: c, stop: make(chan struct{}), done: make(chan struct{}), tors: map[int]*torSeen{}}
	go func() {
		defer close(w.done)
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			w.sample()
			select {
			case <-w.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return w
}

// end stops the sampling and waits for it.
func (w *watch) end() {
	close(w.stop)
	<-w.done
}

func (w *watch) sample() {
	for _, p := range w.c.leftovers() {
		f := strings.Fields(p.cmdline)
		if len(f) == 0 {
			continue
		}
		switch {
		case f[0] == "/usr/local/bin/perfgate":
			w.mu.Lock()
			have := w.entryCaps != nil
			w.mu.Unlock()
			if have {
				continue
			}
			if pc, err := readProcCaps(p.pid); err == nil {
				w.mu.Lock()
				w.entryCaps, w.entryPID = &pc, p.pid
				w.mu.Unlock()
			}
		case filepath.Base(f[0]) == "tor":
			node, ok := torNode(f)
			if !ok {
				continue // key generation, tor --version and the like
			}
			maps, err := os.ReadFile(fmt.Sprintf("/proc/%d/maps", p.pid))
			if err != nil {
				continue
			}
			w.mu.Lock()
			ts := w.tors[p.pid]
			if ts == nil {
				ts = &torSeen{node: node}
				w.tors[p.pid] = ts
			}
			ts.samples++
			ts.shim = ts.shim || bytes.Contains(maps, []byte(shimInImage))
			w.mu.Unlock()
		}
	}
}

// torNode is the node a tor command line runs (the directory of its
// torrc: auth1, relay2, exit1, client, client2, …); ok is false for a tor
// that is no node of the network (key generation with -f /dev/null).
func torNode(argv []string) (node string, ok bool) {
	for i := 0; i+1 < len(argv); i++ {
		if argv[i] == "-f" && filepath.Base(argv[i+1]) == "torrc" {
			return filepath.Base(filepath.Dir(argv[i+1])), true
		}
	}
	return "", false
}

// checkInstrument checks that a live run measured what a Docker action on
// GitHub's runner measures: the action ran with Docker's capabilities, the
// private network in shim mode with the image's shim preloaded into every
// relay and authority seen, never into a client. A relay seen once only may
// have been seen between its exec and ld.so's preload: it is not judged.
// With full (a run that ran to the end) the watch must have seen the
// network's nodes and a client.
func (w *watch) checkInstrument(full bool) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var problems []string
	switch {
	case w.entryCaps == nil:
		problems = append(problems, "the entrypoint (/usr/local/bin/perfgate) was never seen running: its capabilities are unknown")
	default:
		if d := checkDockerCaps(*w.entryCaps); d != "" {
			problems = append(problems, fmt.Sprintf("the entrypoint (pid %d) does not have Docker's capabilities: %s", w.entryPID, d))
		}
	}
	var preloaded, clients int
	for pid, ts := range w.tors {
		name := fmt.Sprintf("%s (pid %d)", ts.node, pid)
		if ts.client() {
			clients++
			if ts.shim {
				problems = append(problems, fmt.Sprintf("the client under test %s has the quick-ACK shim mapped: only the network's relays may be preloaded", name))
			}
			continue
		}
		if ts.shim {
			preloaded++
		} else if ts.samples >= 2 {
			problems = append(problems, fmt.Sprintf("relay %s was seen %d times without %s mapped", name, ts.samples, shimInImage))
		}
	}
	if full && (preloaded < 3 || clients == 0) {
		problems = append(problems, fmt.Sprintf("the watch saw %d relays preloaded with the shim and %d clients: want the network's authorities and relays, and a client", preloaded, clients))
	}
	return problems
}

func (w *watch) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var relays, preloaded, clients int
	for _, ts := range w.tors {
		switch {
		case ts.client():
			clients++
		case ts.shim:
			relays++
			preloaded++
		default:
			relays++
		}
	}
	caps := "entrypoint not seen"
	if w.entryCaps != nil {
		caps = fmt.Sprintf("entrypoint CapEff %016x", w.entryCaps.Eff)
	}
	return fmt.Sprintf("%s; %d of %d relay tor processes preloaded with the shim, %d client(s)", caps, preloaded, relays, clients)
}

func newScenario(t *testing.T, e *env) *scenario {
	t.Helper()
	sc := &scenario{e: e, bare: filepath.Join(e.state, "remote.git")}
	_ = os.RemoveAll(sc.bare)
	git(t, e.state, "init", "-q", "--bare", sc.bare)
	work := filepath.Join(e.state, "remote-work")
	_ = os.RemoveAll(work)
	git(t, e.state, "clone", "-q", "file://"+sc.bare, work)
	write := func(name, data string) {
		p := filepath.Join(work, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("README.md", "# tor-client\n\nA Tor client whose performance perfgate gates.\n")
	write(".github/workflows/perfgate.yml", "on: pull_request\njobs:\n  perfgate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: perfgate/perfgate@v1\n")
	git(t, work, "add", "-A")
	git(t, work, "commit", "-q", "-m", "main: the project")
	sc.base1 = git(t, work, "rev-parse", "HEAD")
	git(t, work, "push", "-q", "origin", "HEAD:refs/heads/main")
	git(t, work, "checkout", "-q", "-b", "feature")
	write("README.md", "# tor-client\n\nA Tor client whose performance perfgate gates. Now faster.\n")
	git(t, work, "commit", "-q", "-am", "feature: faster circuits")
	sc.head = git(t, work, "rev-parse", "HEAD")
	git(t, work, "push", "-q", "origin", "HEAD:refs/heads/feature")
	sc.mergeRef(t, sc.base1)

	sc.gh = newFakeGitHub(owner, repoName, token, sc.bare)
	t.Cleanup(sc.gh.Close)
	sc.gh.setPR(prNumber, sc.base1, sc.head)
	return sc
}

// mergeRef makes refs/pull/N/merge the merge of the head into base, as
// GitHub does when the pull request or its base moves.
func (sc *scenario) mergeRef(t *testing.T, base string) string {
	t.Helper()
	work := filepath.Join(sc.e.state, "remote-work")
	git(t, work, "fetch", "-q", "origin")
	git(t, work, "checkout", "-q", "--detach", base)
	git(t, work, "merge", "-q", "--no-ff", "--no-edit", "-m", fmt.Sprintf("Merge %s into %s", sc.head, base), sc.head)
	m := git(t, work, "rev-parse", "HEAD")
	git(t, work, "push", "-q", "--force", "origin", fmt.Sprintf("HEAD:refs/pull/%d/merge", prNumber))
	git(t, work, "push", "-q", "--force", "origin", fmt.Sprintf("%s:refs/pull/%d/head", sc.head, prNumber))
	return m
}

// advanceBase commits the baseline file to main (as the baseline workflow
// would after a push) and moves the pull request onto it.
func (sc *scenario) advanceBase(t *testing.T, baseline string) {
	t.Helper()
	work := filepath.Join(sc.e.state, "remote-work")
	git(t, work, "checkout", "-q", "--detach", sc.base1)
	data, err := os.ReadFile(baseline)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(work, sc.defaults["baseline"])
	if sc.defaults["baseline"] == "" {
		p = filepath.Join(work, "baselines/default.json")
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	git(t, work, "add", "-A")
	git(t, work, "commit", "-q", "-m", "perfgate: baseline from main")
	sc.base2 = git(t, work, "rev-parse", "HEAD")
	git(t, work, "push", "-q", "origin", "HEAD:refs/heads/main")
	sc.mergeRef(t, sc.base2)
	sc.gh.setPR(prNumber, sc.base2, sc.head)
}

// run runs the action in a fresh container from the image, as the runner
// runs a Docker action on a pull_request event whose base is base: the
// test's inputs over action.yml's defaults, files put into the workspace
// before (as an earlier step of the job would).
func (sc *scenario) run(ctx context.Context, t *testing.T, name, base string, inputs map[string]string, files map[string][]byte) *actionResult {
	t.Helper()
	e := sc.e
	sc.runs++
	res := &actionResult{name: name, inputs: map[string]string{}, files: map[string][]byte{}}
	dir := filepath.Join(e.state, "runs", name)
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	job, err := newRunnerJob(dir)
	if err != nil {
		t.Fatal(err)
	}
	checkout(t, sc.bare, fmt.Sprintf("refs/pull/%d/merge", prNumber), job.workspace, sc.gh.ServerURL()+"/"+owner+"/"+repoName)
	merge := git(t, job.workspace, "rev-parse", "HEAD")
	if n := git(t, job.workspace, "rev-list", "--count", "HEAD"); n != "1" {
		t.Fatalf("the workspace has %s commits: want a depth-1 clone", n)
	}
	for n, data := range files {
		if err := os.WriteFile(filepath.Join(job.workspace, n), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := job.chownWorkspace(); err != nil {
		t.Fatal(err)
	}
	ev, err := pullRequestEvent(owner, repoName, prNumber, base, sc.head, sc.gh.ServerURL(), sc.gh.URL())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(job.workflow, "event.json"), ev, 0o644); err != nil {
		t.Fatal(err)
	}
	_ = os.Chown(filepath.Join(job.workflow, "event.json"), runnerUID, runnerUID)

	fc := map[string]string{}
	for _, k := range []string{"GITHUB_OUTPUT:set_output", "GITHUB_STEP_SUMMARY:step_summary", "GITHUB_ENV:set_env", "GITHUB_PATH:add_path", "GITHUB_STATE:save_state"} {
		v, kind, _ := strings.Cut(k, ":")
		if fc[v], err = job.fileCommand(kind); err != nil {
			t.Fatal(err)
		}
	}
	full := owner + "/" + repoName
	runID := fmt.Sprint(7000000000 + sc.runs)
	for k, v := range map[string]string{
		"HOME": ctrHome, "CI": "true", "GITHUB_ACTIONS": "true",
		"GITHUB_JOB": "perfgate", "GITHUB_REF": fmt.Sprintf("refs/pull/%d/merge", prNumber), "GITHUB_SHA": merge,
		"GITHUB_REPOSITORY": full, "GITHUB_REPOSITORY_OWNER": owner, "GITHUB_REPOSITORY_OWNER_ID": "4242", "GITHUB_REPOSITORY_ID": "424242",
		"GITHUB_RUN_ID": runID, "GITHUB_RUN_NUMBER": fmt.Sprint(sc.runs), "GITHUB_RUN_ATTEMPT": "1", "GITHUB_RETENTION_DAYS": "90",
		"GITHUB_ACTOR": "contributor", "GITHUB_ACTOR_ID": "777", "GITHUB_TRIGGERING_ACTOR": "contributor",
		"GITHUB_WORKFLOW": "perfgate", "GITHUB_WORKFLOW_REF": full + "/.github/workflows/perfgate.yml@refs/pull/7/merge", "GITHUB_WORKFLOW_SHA": merge,
		"GITHUB_HEAD_REF": "feature", "GITHUB_BASE_REF": "main", "GITHUB_EVENT_NAME": "pull_request",
		"GITHUB_SERVER_URL": sc.gh.ServerURL(), "GITHUB_API_URL": sc.gh.URL(), "GITHUB_GRAPHQL_URL": sc.gh.URL() + "/graphql",
		"GITHUB_REF_NAME": fmt.Sprintf("%d/merge", prNumber), "GITHUB_REF_PROTECTED": "false", "GITHUB_REF_TYPE": "branch",
		"GITHUB_WORKSPACE": ctrWorkspace, "GITHUB_ACTION": "__perfgate_perfgate", "GITHUB_EVENT_PATH": ctrWorkflow + "/event.json",
		"GITHUB_ACTION_REPOSITORY": "perfgate/perfgate", "GITHUB_ACTION_REF": "v1",
		"RUNNER_OS": "Linux", "RUNNER_ARCH": "X64", "RUNNER_NAME": "GitHub Actions 2", "RUNNER_ENVIRONMENT": "github-hosted",
		"RUNNER_TOOL_CACHE": "/opt/hostedtoolcache", "RUNNER_TEMP": "/home/runner/work/_temp", "RUNNER_WORKSPACE": "/home/runner/work/" + repoName,
	} {
		job.env[k] = v
	}
	for k, v := range fc {
		job.env[k] = v
	}
	for k, v := range sc.defaults {
		res.inputs[k] = v
	}
	for k, v := range inputs {
		if _, ok := sc.defaults[k]; !ok && !hasInput(e.repoRoot, k) {
			t.Fatalf("input %q is not in action.yml", k)
		}
		res.inputs[k] = v
	}
	for k, v := range res.inputs {
		job.env[inputEnv(k)] = v
	}

	cfg, err := e.b.imageConfig(ctx, e.image)
	if err != nil {
		t.Fatal(err)
	}
	// docker run IMAGE with no arguments: ENTRYPOINT followed by CMD.
	argv := append(append([]string(nil), cfg.Entrypoint...), cfg.Cmd...)
	if len(argv) == 0 {
		t.Fatal("the image has no ENTRYPOINT")
	}
	c, err := e.b.from(ctx, e.image, fmt.Sprintf("perfgate-ct-%s-%d", name, os.Getpid()))
	if err != nil {
		t.Fatalf("run %s: %v", name, err)
	}
	defer func() {
		if err := c.remove(); err != nil {
			t.Errorf("run %s: removing its container: %v", name, err)
		}
	}()
	opts := append([]string{"--workingdir", ctrWorkspace}, job.mounts()...)
	opts = append(opts, job.envArgs()...)
	cmd := c.exec(ctx, opts, argv...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	res.seen = newWatch(c)
	if sc.stop {
		res.err = stopWhenTorRuns(ctx, c, cmd, res)
	} else {
		res.err = cmd.Run()
	}
	res.elapsed = time.Since(start)
	res.seen.end()
	res.exit = exitCode(res.err)
	res.stdout, res.stderr = stdout.String(), stderr.String()
	_ = os.WriteFile(filepath.Join(job.dir, "stdout"), []byte(res.stdout), 0o644)
	_ = os.WriteFile(filepath.Join(job.dir, "stderr"), []byte(res.stderr), 0o644)
	if ctx.Err() != nil {
		res.err = fmt.Errorf("%w: the action did not finish in time (%v)", res.err, ctx.Err())
	}

	// Give a process that is on its way out a moment, then look.
	for i := 0; i < 10; i++ {
		if res.leftover = c.leftovers(); len(res.leftover) == 0 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if len(res.leftover) > 0 {
		c.killLeftovers()
	}

	if res.outputs, err = readFileCommand(filepath.Join(job.files, filepath.Base(fc["GITHUB_OUTPUT"]))); err != nil {
		t.Errorf("run %s: GITHUB_OUTPUT: %v", name, err)
	}
	if s, err := os.ReadFile(filepath.Join(job.files, filepath.Base(fc["GITHUB_STEP_SUMMARY"]))); err == nil {
		res.summary = string(s)
	}
	for _, o := range []string{"report-markdown", "results-json"} {
		p := res.outputs[o]
		if p == "" {
			continue
		}
		if !filepath.IsAbs(p) {
			p = filepath.Join(ctrWorkspace, p)
		}
		host, ok := job.hostPath(p)
		if !ok {
			host = filepath.Join(c.rootfs, p)
		}
		if data, err := os.ReadFile(host); err == nil {
			res.files[o] = data
		} else {
			t.Errorf("run %s: output %s=%s: %v", name, o, res.outputs[o], err)
		}
	}
	fmt.Printf("container-test: run %s: exit %d in %v; outputs %v\n", name, res.exit, res.elapsed.Round(100*time.Millisecond), res.outputs)
	return res
}

// stopWhenTorRuns starts cmd, waits until at least three tor nodes of the
// private network run in the container (the network is starting; key
// generation does not count), sends SIGTERM to the entrypoint process
// (`docker stop`), and waits for cmd to end.
func stopWhenTorRuns(ctx context.Context, c *container, cmd *exec.Cmd, res *actionResult) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			return fmt.Errorf("the action ended before its tor processes were seen: %v", err)
		case <-ctx.Done():
			return <-done
		case <-tick.C:
		}
		var tors int
		entry := 0
		for _, p := range c.leftovers() {
			if strings.HasPrefix(p.cmdline, "/usr/local/bin/perfgate") {
				entry = p.pid
			}
			if f := strings.Fields(p.cmdline); len(f) > 0 && filepath.Base(f[0]) == "tor" {
				if _, ok := torNode(f); ok {
					tors++
				}
			}
		}
		if tors < 3 || entry == 0 {
			continue
		}
		if err := syscall.Kill(entry, syscall.SIGTERM); err != nil {
			return fmt.Errorf("SIGTERM to the entrypoint (pid %d): %w", entry, err)
		}
		sent := time.Now()
		res.stopped = true
		err := <-done
		res.exitAfter = time.Since(sent)
		return err
	}
}

func hasInput(root, name string) bool {
	in, err := actionInputs(filepath.Join(root, "action.yml"), token)
	if err != nil {
		return false
	}
	_, ok := in[name]
	return ok
}

// checkResult checks one run: exit code, outputs, job summary, the PR
// comment, the commit status, the API calls made and the processes left.
func (sc *scenario) checkResult(t *testing.T, res *actionResult, verdict string, exit int) *actionResult {
	t.Helper()
	failed := false
	errorf := func(format string, args ...any) {
		t.Helper()
		failed = true
		t.Errorf("run %s: "+format, append([]any{res.name}, args...)...)
	}
	if res.exit != exit {
		errorf("exit code %d, want %d (%v)", res.exit, exit, res.err)
	}
	if got := res.outputs["verdict"]; got != verdict {
		errorf("output verdict=%q, want %q", got, verdict)
	}
	if got, want := res.outputs["regressed"], fmt.Sprint(verdict == "regression"); got != want {
		errorf("output regressed=%q, want %q", got, want)
	}
	for _, o := range []string{"report-markdown", "results-json"} {
		if len(res.files[o]) == 0 {
			errorf("output %s=%q names no file with content", o, res.outputs[o])
		}
	}
	if !strings.Contains(res.summary, "|") {
		errorf("the job summary has no report table:\n%s", tail(res.summary, 20))
	}
	// Every run here reports results measured in the action's image:
	// the report and the job summary name the instrument, shim mode.
	if md := string(res.files["report-markdown"]); md != "" && !strings.Contains(md, instrumentLine) {
		errorf("the report does not name the instrument (want %q):\n%s", instrumentLine, head(md, 12))
	}
	if !strings.Contains(res.summary, instrumentLine) {
		errorf("the job summary does not name the instrument (want %q):\n%s", instrumentLine, head(res.summary, 12))
	}
	if md := string(res.files["report-markdown"]); md != "" && !strings.Contains(res.summary, firstTableRow(md)) {
		errorf("the job summary does not contain the report's table (row %q)", firstTableRow(md))
	}
	for _, s := range []string{res.stdout, res.stderr} {
		if strings.Contains(s, "dubious ownership") {
			errorf("git refused the workspace (dubious ownership): the action must handle a workspace owned by another uid")
		}
		for _, l := range strings.Split(s, "\n") {
			// ::add-mask:: tells the runner to mask it: the one place it may appear.
			if strings.Contains(l, token) && !strings.HasPrefix(l, "::add-mask::") {
				errorf("the token was printed: %q", strings.ReplaceAll(l, token, "***"))
				break
			}
		}
	}
	if len(res.leftover) > 0 {
		errorf("processes left behind when the action exited (killed now): %v", res.leftover)
	}

	comments, statuses, requests, unexpected := sc.gh.snapshot()
	if len(unexpected) > 0 {
		errorf("the action called API routes the fake does not serve: %v", unexpected)
	}
	newReqs := requests[sc.seenReqs:]
	sc.seenReqs = len(requests)
	cs := comments[prNumber]
	if len(cs) != 1 {
		errorf("%d comments on the pull request, want exactly 1", len(cs))
	} else {
		c := cs[0]
		if got := res.outputs["comment-url"]; got != c.HTMLURL {
			errorf("output comment-url=%q, want the comment's %q", got, c.HTMLURL)
		}
		if !strings.Contains(c.Body, "<!--") {
			errorf("the comment has no hidden marker")
		}
		if md := string(res.files["report-markdown"]); md != "" && !strings.Contains(c.Body, firstTableRow(md)) {
			errorf("the comment does not carry the report's table (row %q)", firstTableRow(md))
		}
	}
	var last *fakeStatus
	for i := range statuses {
		if statuses[i].SHA == sc.head {
			last = &statuses[i]
		}
	}
	wantState := map[string]string{"pass": "success", "regression": "failure"}[verdict]
	switch {
	case len(statuses) != sc.runs:
		errorf("%d commit statuses after %d runs, want one a run", len(statuses), sc.runs)
	case last == nil:
		errorf("no commit status on the pull request's head %s (statuses: %+v)", sc.head, statuses)
	default:
		if last.State != wantState {
			errorf("commit status %q, want %q", last.State, wantState)
		}
		if ctxName := sc.defaults["status-context"]; last.Context != ctxName {
			errorf("commit status context %q, want the input's default %q", last.Context, ctxName)
		}
		if d := last.Description; d == "" || len(d) > 140 || strings.Contains(d, "\n") {
			errorf("commit status description %q: want one line of at most 140 characters", d)
		}
		if verdict == "regression" && !strings.Contains(strings.ToLower(last.Description), "circuit") {
			errorf("commit status description %q does not name the regressed metric (circuit build p95)", last.Description)
		}
	}
	if failed {
		t.Logf("run %s: API requests:\n  %s", res.name, strings.Join(newReqs, "\n  "))
		t.Logf("run %s: stdout (tail):\n%s", res.name, tail(res.stdout, 40))
		t.Logf("run %s: stderr (tail):\n%s", res.name, tail(res.stderr, 40))
		t.Logf("run %s: job summary (head):\n%s", res.name, head(res.summary, 30))
	} else if last != nil {
		fmt.Printf("container-test: run %s: verdict %s, status %s %q, %d API requests\n", res.name, verdict, last.State, last.Description, len(newReqs))
	}
	return res
}

// checkComments checks the end state: one comment, edited by every run
// after the first.
func (sc *scenario) checkComments(t *testing.T, runs int) {
	t.Helper()
	comments, _, _, _ := sc.gh.snapshot()
	cs := comments[prNumber]
	if len(cs) != 1 {
		t.Fatalf("%d comments on the pull request after %d runs, want exactly 1", len(cs), runs)
	}
	if cs[0].Edits != runs-1 {
		t.Errorf("the comment was edited %d times in %d runs, want %d (created once, then edited in place)", cs[0].Edits, runs, runs-1)
	}
}

// firstTableRow is the first markdown table row of md (the header), the
// part of a report that every rendering of it shares.
func firstTableRow(md string) string {
	for _, l := range strings.Split(md, "\n") {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, "|") {
			return l
		}
	}
	return "|"
}

func head(s string, lines int) string {
	ls := strings.Split(s, "\n")
	if len(ls) > lines {
		ls = ls[:lines]
	}
	return strings.Join(ls, "\n")
}

// git runs git on the host with a fixed identity and no user config.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := command(ctx, "git", append([]string{"-C", dir, "-c", "user.name=perfgate test", "-c", "user.email=test@perfgate.invalid",
		"-c", "init.defaultBranch=main", "-c", "advice.detachedHead=false", "-c", "protocol.file.allow=always"}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_DATE=2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE=2026-01-01T00:00:00Z")
	out, err := output(cmd)
	if err != nil {
		t.Fatalf("git: %v", err)
	}
	return strings.TrimSpace(out)
}

// checkout makes workspace a depth-1 checkout of ref of the bare repository
// the way actions/checkout does for a pull request (fetch the merge ref at
// depth 1, detached checkout), then points origin at the fake GitHub so
// that anything git tries stays on loopback.
func checkout(t *testing.T, bare, ref, workspace, originURL string) {
	t.Helper()
	if err := os.MkdirAll(workspace, 0o755); err != nil {
		t.Fatal(err)
	}
	git(t, workspace, "init", "-q")
	git(t, workspace, "remote", "add", "origin", "file://"+bare)
	remote := "refs/remotes/" + strings.TrimPrefix(ref, "refs/")
	git(t, workspace, "fetch", "-q", "--no-tags", "--prune", "--depth=1", "origin", "+"+ref+":"+remote)
	git(t, workspace, "checkout", "-q", "--force", remote)
	git(t, workspace, "remote", "set-url", "origin", originURL)
}
