package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/perfgate/perfgate/action"
	"github.com/perfgate/perfgate/benchmark"
	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/report"
	"github.com/perfgate/perfgate/results"
)

// actionSleep waits between retries of GitHub API calls; tests replace it
// so that retries take no time.
var actionSleep action.Sleep = action.SleepContext

// actionNow is the clock of the action (the baseline's date).
var actionNow = time.Now

// outDir is where the action writes its files, relative to the workspace:
// results.json, report.md, report.json and pr.json, the artifact that
// the workflow_run reporter reads.
const outDir = ".perfgate"

// baselinesDir is the directory whose change by a pull request the report
// calls out.
const baselinesDir = "baselines/"

// actionInputs are the inputs of action.yml.
type actionInputs struct {
	mode             string
	results          string
	baseline         string
	config           string
	clientCommand    string
	baseClient       string // A/B mode when set
	runs             int
	maxRuns          int
	timeBudget       time.Duration
	quick            bool
	token            string
	comment          bool
	statusContext    string
	failOnRegression bool
}

// prContext is what check mode leaves in pr.json for the workflow_run
// reporter: which pull request, and the commits it was made on.
type prContext struct {
	Repo        string              `json:"repo"`
	PullRequest *action.PullRequest `json:"pull_request"`
	// ChangedBaselines are the files under baselines/ the pull request
	// changes, as far as the check run could tell.
	ChangedBaselines []string `json:"changed_baselines,omitempty"`
}

// cmdAction is 'perfgate action': the GitHub Action's entrypoint. It reads
// its inputs and the event from the runner's environment (INPUT_*,
// GITHUB_EVENT_PATH, …), and writes its outputs, the job summary and
// annotations through the runner's files and workflow commands.
func cmdAction(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("action", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprint(e.stderr, "usage: perfgate action\n\n"+
			"Runs as the GitHub Action (the container's entrypoint). Inputs come from INPUT_* variables as\n"+
			"action.yml declares them, the event from GITHUB_EVENT_PATH; see README.md, section Action.\n")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return err
	}
	r := action.NewRunner(e.getenv, e.stdout)
	a := &actionRun{e: e, r: r, outputs: map[string]bool{}}
	err := a.run(ctx)
	if err != nil && !errors.Is(err, check.ErrRegression) {
		r.Error("perfgate", err.Error())
		if !a.outputs["verdict"] {
			a.output("verdict", string(check.VerdictError))
			a.output("regressed", "false")
		}
	}
	return err
}

// output sets an output once; later values of the same output are dropped.
func (a *actionRun) output(name, value string) {
	if a.outputs[name] {
		return
	}
	a.outputs[name] = true
	a.r.SetOutput(name, value)
}

// actionRun is one run of the action.
type actionRun struct {
	e         *env
	r         *action.Runner
	in        actionInputs
	ev        *action.Event
	workspace string
	gh        action.API
	// prov is set in mode report: where the results come from, and
	// whether they may decide the status.
	prov *action.Provenance
	// outputs records the outputs set.
	outputs map[string]bool
}

func (a *actionRun) run(ctx context.Context) error {
	if err := a.readInputs(); err != nil {
		return err
	}
	ev, err := action.ReadEvent(a.e.getenv)
	if err != nil {
		return err
	}
	a.ev = ev
	a.workspace = a.e.getenv("GITHUB_WORKSPACE")
	if a.workspace == "" {
		if a.workspace, err = os.Getwd(); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Join(a.workspace, outDir), 0o755); err != nil {
		return fmt.Errorf("output directory: %w", err)
	}
	if a.in.token != "" {
		gh, err := action.NewGitHub(action.GitHubOptions{
			APIURL: a.e.getenv("GITHUB_API_URL"),
			Token:  a.in.token,
			Sleep:  actionSleep,
			Log:    func(f string, args ...any) { a.r.Infof(f, args...) },
		})
		if err != nil {
			return err
		}
		a.gh = gh
	}
	switch a.in.mode {
	case "check":
		return a.check(ctx)
	case "baseline":
		return a.baseline(ctx)
	case "report":
		return a.report(ctx)
	}
	return fmt.Errorf("input mode: %q is not check, baseline or report", a.in.mode)
}

func (a *actionRun) readInputs() error {
	r := a.r
	in := actionInputs{
		mode:          strings.ToLower(r.Input("mode")),
		results:       r.Input("results"),
		baseline:      r.Input("baseline"),
		config:        r.Input("config"),
		clientCommand: r.Input("client-command"),
		baseClient:    r.Input("baseline-client-command"),
		token:         r.Input("github-token"),
		statusContext: r.Input("status-context"),
	}
	// Mask the token before anything else can print it.
	r.Mask(in.token)
	if in.mode == "" {
		in.mode = "check"
	}
	if in.baseline == "" {
		in.baseline = "baselines/default.json"
	}
	if in.statusContext == "" {
		in.statusContext = "perfgate"
	}
	var errs []error
	var err error
	if in.runs, err = r.IntInput("runs", defaultRuns, 1); err != nil {
		errs = append(errs, err)
	}
	if in.quick, err = r.BoolInput("quick", false); err != nil {
		errs = append(errs, err)
	}
	if in.maxRuns, err = r.IntInput("max-runs", 0, 1); err != nil {
		errs = append(errs, err)
	}
	if in.maxRuns == 0 {
		in.maxRuns = in.runs // adaptive repetition off unless asked for
	}
	if in.maxRuns < in.runs {
		errs = append(errs, fmt.Errorf("input max-runs: %d is less than runs %d", in.maxRuns, in.runs))
	}
	if in.timeBudget, err = r.DurationInput("time-budget", defaultBudget); err != nil {
		errs = append(errs, err)
	}
	if in.baseClient != "" && in.mode != "check" {
		errs = append(errs, fmt.Errorf("input baseline-client-command: A/B mode is for mode check, not %s", in.mode))
	}
	if in.baseClient != "" && in.results != "" {
		errs = append(errs, errors.New("input baseline-client-command: A/B mode runs the suite; it cannot take a results file"))
	}
	if in.comment, err = r.BoolInput("comment", true); err != nil {
		errs = append(errs, err)
	}
	if in.failOnRegression, err = r.BoolInput("fail-on-regression", true); err != nil {
		errs = append(errs, err)
	}
	if in.mode == "report" && in.results == "" {
		errs = append(errs, errors.New("input results: mode report needs the results file from the check run's artifact"))
	}
	a.in = in
	return errors.Join(errs...)
}

// abs resolves a path input against the workspace.
func (a *actionRun) abs(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(a.workspace, p)
}

// rel is p relative to the workspace, for outputs: the container sees the
// workspace at another path than the steps after it.
func (a *actionRun) rel(p string) string {
	if r, err := filepath.Rel(a.workspace, p); err == nil && !strings.HasPrefix(r, "..") {
		return filepath.ToSlash(r)
	}
	return p
}

// results reads the results input, or runs the suite and writes its
// results to .perfgate/results.json. It returns the results and their path.
func (a *actionRun) results(ctx context.Context) (*results.Results, string, error) {
	if a.in.results != "" {
		p := a.abs(a.in.results)
		res, err := results.Load(p, "")
		if err != nil {
			return nil, p, fmt.Errorf("input results: %w", err)
		}
		return res, p, nil
	}
	cfg := benchmark.DefaultConfig()
	if a.in.quick {
		cfg = benchmark.QuickConfig()
	}
	a.r.Infof("perfgate: %d run(s) of the suite on fresh private Tor networks (quick: %v)", a.in.runs, a.in.quick)
	res, runErr := benchmark.Run(ctx, benchmark.RunOptions{
		Runs:          a.in.runs,
		Quick:         a.in.quick,
		Config:        cfg,
		ClientCommand: a.in.clientCommand,
		Log:           slog.New(slog.NewTextHandler(a.e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo})),
		// Each phase is a collapsed group in the job's log.
		Progress: benchmark.NewProgress(a.e.stdout, true, false),
		Getenv:   a.e.getenv,
	})
	p := filepath.Join(a.workspace, outDir, "results.json")
	if res != nil {
		data, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return nil, p, err
		}
		if err := os.WriteFile(p, append(data, '\n'), 0o644); err != nil {
			return nil, p, fmt.Errorf("results: %w", err)
		}
	}
	if runErr != nil {
		if res == nil || len(res.Runs) == 0 {
			return nil, p, fmt.Errorf("the suite: %w", runErr)
		}
		// The runs that finished are compared; Compare turns the failed run
		// into an error verdict.
		a.r.Warning("perfgate suite", runErr.Error())
	}
	return res, p, nil
}

// check is mode check: compare with the baseline at the pull request's base
// commit, report everywhere, exit by the verdict.
func (a *actionRun) check(ctx context.Context) error {
	pr := a.ev.PullRequest
	if pr == nil {
		a.r.Infof("perfgate: event %q has no pull request: comparing with %s in the workspace; no comment or status", a.ev.Name, a.in.baseline)
	}
	var (
		res     *results.Results
		resPath string
		err     error
	)
	if a.in.results != "" {
		if res, resPath, err = a.results(ctx); err != nil {
			return a.finishError(ctx, pr, err)
		}
	} else {
		resPath = filepath.Join(a.workspace, outDir, "results.json")
	}
	var changed []string
	if pr != nil {
		changed = a.changedBaselines(ctx, pr)
		pc := prContext{Repo: a.ev.Repo.String(), PullRequest: pr, ChangedBaselines: changed}
		data, _ := json.MarshalIndent(pc, "", "  ")
		if err := os.WriteFile(filepath.Join(filepath.Dir(resPath), "pr.json"), append(data, '\n'), 0o644); err != nil {
			a.r.Warning("perfgate", fmt.Sprintf("pr.json for the workflow_run reporter: %v", err))
		}
		if filepath.Dir(resPath) != filepath.Join(a.workspace, outDir) {
			// Keep a copy beside the results in .perfgate, so the artifact is
			// one directory.
			copyFile(resPath, filepath.Join(a.workspace, outDir, "results.json"))
			os.WriteFile(filepath.Join(a.workspace, outDir, "pr.json"), append(data, '\n'), 0o644)
		}
	}
	if a.in.results == "" {
		return a.gateAndPublish(ctx, pr, resPath, changed)
	}
	return a.compareAndPublish(ctx, pr, res, resPath, changed)
}

// report is mode report: the workflow_run half of the fork-safe pair. The
// results and pr.json come from the pull request's own run (for a fork,
// made with the fork's workflow file): nothing in them is trusted. The pull
// request is the one the API lists for the run's head as the event names
// it; pr.json must agree with it, or nothing is posted. The baseline and
// config are read at the API's base commit, and a pull request that changes
// what its own run executed never gets a success status.
func (a *actionRun) report(ctx context.Context) error {
	resPath := a.abs(a.in.results)
	prPath := filepath.Join(filepath.Dir(resPath), "pr.json")
	var pc prContext
	data, err := os.ReadFile(prPath)
	if err != nil {
		return fmt.Errorf("mode report: %w (the check run writes pr.json beside its results; upload the whole %s directory)", err, outDir)
	}
	if err := json.Unmarshal(data, &pc); err != nil || pc.PullRequest == nil || pc.PullRequest.Number <= 0 {
		return fmt.Errorf("mode report: %s: not a pr.json perfgate wrote (%v)", prPath, err)
	}
	if a.gh == nil {
		return errors.New("mode report: no github-token: the pull request is looked up through the API")
	}
	pr, err := action.RunPullRequest(ctx, a.gh, a.ev.Repo, a.ev.WorkflowRun)
	if err != nil {
		return fmt.Errorf("mode report: %w; nothing posted", err)
	}
	if err := action.CheckClaim(action.Claim{Repo: pc.Repo, PullRequest: *pc.PullRequest}, a.ev.Repo, pr); err != nil {
		return fmt.Errorf("mode report: %w; nothing posted", err)
	}
	a.r.Infof("perfgate: the workflow run is for pull request #%d (head %s in %s, base %s), as the API lists it; pr.json agrees",
		pr.Number, short(pr.HeadSHA), pr.HeadRepo, short(pr.BaseSHA))
	prov := &action.Provenance{PullRequest: pr}
	files, complete, err := action.PullRequestFiles(ctx, a.gh, a.ev.Repo, pr.Number)
	switch {
	case err != nil:
		prov.Unknown = err.Error()
	case !complete:
		prov.Unknown = "GitHub lists only its first 3000 files"
	}
	prov.Review = action.ReviewFiles(files, a.isActionRepo(ctx, pr))
	a.prov = prov
	if !prov.Trusted() {
		a.r.Warning("perfgate", "the results are not trusted: "+prov.Reason())
	}
	res, err := results.Load(resPath, "")
	if err != nil {
		return a.finishError(ctx, pr, fmt.Errorf("input results: %w", err))
	}
	return a.compareAndPublish(ctx, pr, res, resPath, action.FilesUnder(files, a.baselineDir()))
}

// isActionRepo reports whether the repository is itself an action at the
// base commit (action.yml or action.yaml at its root), whose workflows
// may run it with uses: ./ and so run the pull request's own action. When
// it cannot tell, it says yes.
func (a *actionRun) isActionRepo(ctx context.Context, pr *action.PullRequest) bool {
	for _, f := range []string{"action.yml", "action.yaml"} {
		_, found, _, err := a.fileAtBase(ctx, pr, f)
		if err != nil {
			a.r.Warning("perfgate", fmt.Sprintf("cannot tell whether the repository is an action: %v", err))
			return true
		}
		if found {
			return true
		}
	}
	return false
}

// changedBaselines lists the files under baselines/ that the pull request
// changes, through the API; it warns and returns nil when it cannot tell.
func (a *actionRun) changedBaselines(ctx context.Context, pr *action.PullRequest) []string {
	if a.gh == nil {
		return nil
	}
	dir := a.baselineDir()
	files, err := action.ChangedUnder(ctx, a.gh, a.ev.Repo, pr.Number, dir)
	if err != nil {
		a.r.Warning("perfgate", fmt.Sprintf("cannot tell whether the pull request changes %s: %v", dir, err))
		return nil
	}
	return files
}

// baselineDir is the directory of the baseline input whose change by a
// pull request the report calls out.
func (a *actionRun) baselineDir() string {
	if d := path.Dir(filepath.ToSlash(a.in.baseline)); d != "." && !strings.HasPrefix(d, "..") && !filepath.IsAbs(a.in.baseline) {
		return d + "/"
	}
	return baselinesDir
}

// fileAtBase reads a repository file as it is on the pull request's base
// commit: from git when the workspace has that commit, else through the
// contents API. found is false when the file does not exist there.
func (a *actionRun) fileAtBase(ctx context.Context, pr *action.PullRequest, p string) (data []byte, found bool, from string, err error) {
	rp := filepath.ToSlash(filepath.Clean(p))
	if filepath.IsAbs(p) || strings.HasPrefix(rp, "../") {
		return nil, false, "", fmt.Errorf("%s is outside the repository: the baseline must be a repository path", p)
	}
	if data, found, ok := gitShow(ctx, a.workspace, pr.BaseSHA, rp); ok {
		return data, found, "git", nil
	}
	if a.gh == nil {
		return nil, false, "", fmt.Errorf("cannot read %s at the base commit %s: the workspace lacks the commit and there is no github-token", rp, short(pr.BaseSHA))
	}
	data, err = a.gh.GetFile(ctx, a.ev.Repo, rp, pr.BaseSHA)
	if errors.Is(err, action.ErrNotFound) {
		return nil, false, "the contents API", nil
	}
	if err != nil {
		return nil, false, "", err
	}
	return data, true, "the contents API", nil
}

// gitShow reads path at commit from the git repository of dir. ok is
// false when git cannot answer (no git, no repository, or a shallow clone
// without the commit); found is false when the commit lacks the file.
// safe.directory is set on the command line: in the container the
// workspace belongs to the runner's user, and git refuses such a
// repository as of "dubious ownership" otherwise.
func gitShow(ctx context.Context, dir, commit, path string) (data []byte, found, ok bool) {
	if commit == "" || strings.ContainsAny(commit, " :^~") {
		return nil, false, false
	}
	git := func(args ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, "git", append([]string{"-c", "safe.directory=*", "-C", dir}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "GIT_OPTIONAL_LOCKS=0")
		var out bytes.Buffer
		cmd.Stdout = &out
		err := cmd.Run()
		return out.Bytes(), err
	}
	if _, err := git("cat-file", "-e", commit+"^{commit}"); err != nil {
		return nil, false, false
	}
	if _, err := git("cat-file", "-e", commit+":"+path); err != nil {
		return nil, false, true
	}
	out, err := git("cat-file", "blob", commit+":"+path)
	if err != nil {
		return nil, false, false
	}
	return out, true, true
}

// loadBaseline reads the baseline: at the base commit for a pull request,
// from the workspace otherwise. It returns nil results when there is none,
// and the notes the report should carry.
func (a *actionRun) loadBaseline(ctx context.Context, pr *action.PullRequest) (*results.Results, []string, error) {
	if pr == nil {
		p := a.abs(a.in.baseline)
		if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
			return nil, nil, nil
		}
		res, err := results.Load(p, "")
		if err != nil {
			return nil, nil, fmt.Errorf("baseline: %w", err)
		}
		return res, nil, nil
	}
	data, found, from, err := a.fileAtBase(ctx, pr, a.in.baseline)
	if err != nil {
		return nil, nil, fmt.Errorf("baseline: %w", err)
	}
	if !found {
		a.r.Infof("perfgate: no %s at the base commit %s (read through %s)", a.in.baseline, short(pr.BaseSHA), from)
		return nil, []string{fmt.Sprintf("There is no baseline %s on the base commit %s: the targets alone decide. "+
			"A run of perfgate with mode baseline on the default branch makes it (the baseline workflow, README: GitHub Action).", a.in.baseline, short(pr.BaseSHA))}, nil
	}
	a.r.Infof("perfgate: baseline %s read at the base commit %s through %s", a.in.baseline, short(pr.BaseSHA), from)
	tmp, err := os.CreateTemp("", "perfgate-baseline-*"+filepath.Ext(a.in.baseline))
	if err != nil {
		return nil, nil, err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, nil, err
	}
	res, err := results.Load(tmp.Name(), "")
	if err != nil {
		return nil, nil, fmt.Errorf("baseline %s at %s: %w", a.in.baseline, short(pr.BaseSHA), err)
	}
	return res, nil, nil
}

// loadConfig reads the config input: at the base commit for a pull request
// (so that the pull request cannot loosen its own gate), from the
// workspace when the base commit has none.
func (a *actionRun) loadConfig(ctx context.Context, pr *action.PullRequest) (check.Config, []string, error) {
	if a.in.config == "" {
		return check.DefaultConfig(), nil, nil
	}
	if pr != nil {
		data, found, _, err := a.fileAtBase(ctx, pr, a.in.config)
		if err != nil {
			return check.Config{}, nil, fmt.Errorf("config: %w", err)
		}
		if found {
			cfg, err := check.ParseConfig(data)
			if err != nil {
				return check.Config{}, nil, fmt.Errorf("config %s at %s: %w", a.in.config, short(pr.BaseSHA), err)
			}
			return cfg, nil, nil
		}
		cfg, err := check.LoadConfig(a.abs(a.in.config))
		if err != nil {
			return check.Config{}, nil, fmt.Errorf("config: %w", err)
		}
		return cfg, []string{fmt.Sprintf("The config %s is new in this pull request: its settings are used.", a.in.config)}, nil
	}
	cfg, err := check.LoadConfig(a.abs(a.in.config))
	if err != nil {
		return check.Config{}, nil, fmt.Errorf("config: %w", err)
	}
	return cfg, nil, nil
}

// gateAndPublish is check mode when the action runs the suite: the runs
// (stored-baseline or A/B mode, with adaptive repetition) through the
// gate, then the report as compareAndPublish makes it. The results go to
// .perfgate/results.json (A/B mode: the baseline client's to
// .perfgate/baseline-results.json) after every round.
func (a *actionRun) gateAndPublish(ctx context.Context, pr *action.PullRequest, resPath string, changed []string) error {
	ab := a.in.baseClient != ""
	cfg, cfgNotes, err := a.loadConfig(ctx, pr)
	if err != nil {
		return a.finishError(ctx, pr, err)
	}
	var stored *results.Results
	var baseNotes []string
	if !ab {
		if stored, baseNotes, err = a.loadBaseline(ctx, pr); err != nil {
			return a.finishError(ctx, pr, err)
		}
	}
	baseResPath := filepath.Join(a.workspace, outDir, "baseline-results.json")
	scfg := benchmark.DefaultConfig()
	if a.in.quick {
		scfg = benchmark.QuickConfig()
	}
	if ab {
		a.r.Infof("perfgate: interleaved A/B on one private network, %d run(s) per side (up to %d within %v; quick: %v)", a.in.runs, a.in.maxRuns, a.in.timeBudget, a.in.quick)
	} else {
		a.r.Infof("perfgate: %d run(s) of the suite on fresh private Tor networks (up to %d within %v; quick: %v)", a.in.runs, a.in.maxRuns, a.in.timeBudget, a.in.quick)
	}
	g := &gate{
		opts: benchmark.RunOptions{
			Runs:                  a.in.runs,
			Quick:                 a.in.quick,
			Config:                scfg,
			ClientCommand:         systemTor(a.in.clientCommand),
			BaselineClientCommand: systemTor(a.in.baseClient),
			Log:                   slog.New(slog.NewTextHandler(a.e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo})),
			// Each phase is a collapsed group in the job's log.
			Progress: benchmark.NewProgress(a.e.stdout, true, false),
			Getenv:   a.e.getenv,
		},
		ab:      ab,
		maxRuns: a.in.maxRuns,
		budget:  a.in.timeBudget,
		saved: func(base, head *results.Results) error {
			if err := writeResultsJSON(resPath, head); err != nil {
				return err
			}
			if ab && base != nil {
				return writeResultsJSON(baseResPath, base)
			}
			return nil
		},
		compare: func(base, head *results.Results) (*check.Report, error) {
			if ab {
				rep, err := check.Compare(base, head, cfg)
				if err != nil {
					return nil, err
				}
				rep.SetPaths(a.rel(baseResPath), a.rel(resPath))
				rep.EnvironmentDiff = nil // same machine, same job: the clients' difference is the subject
				rep.Comparison = abComparison(base, head, benchmark.Balanced)
				return rep, nil
			}
			rep, err := check.Compare(stored, head, cfg)
			if err != nil {
				return nil, err
			}
			a.setPaths(rep, pr, resPath)
			rep.Comparison = check.StoredComparison(rep)
			return rep, nil
		},
	}
	rep, runErr := g.run(ctx)
	if runErr != nil {
		if g.head == nil || len(g.head.Runs) == 0 || ab && (g.base == nil || len(g.base.Runs) == 0) {
			return a.finishError(ctx, pr, fmt.Errorf("the suite: %w", runErr))
		}
		// The runs that finished are compared; Compare turns the failed run
		// into an error verdict.
		a.r.Warning("perfgate suite", runErr.Error())
		if rep, err = g.compare(g.base, g.head); err != nil {
			return a.finishError(ctx, pr, errors.Join(runErr, err))
		}
	}
	if rep == nil {
		return a.finishError(ctx, pr, errors.New("the suite: no comparison"))
	}
	return a.publishReport(ctx, pr, rep, resPath, changed, append(baseNotes, cfgNotes...))
}

// writeResultsJSON writes v as indented JSON.
func writeResultsJSON(p string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(p, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("results: %w", err)
	}
	return nil
}

// compareAndPublish compares, writes the report files, the summary and the
// outputs, publishes the comment and status, and returns the exit error.
func (a *actionRun) compareAndPublish(ctx context.Context, pr *action.PullRequest, res *results.Results, resPath string, changed []string) error {
	base, baseNotes, err := a.loadBaseline(ctx, pr)
	if err != nil {
		return a.finishError(ctx, pr, err)
	}
	cfg, cfgNotes, err := a.loadConfig(ctx, pr)
	if err != nil {
		return a.finishError(ctx, pr, err)
	}
	rep, err := check.Compare(base, res, cfg)
	if err != nil {
		return a.finishError(ctx, pr, err)
	}
	a.setPaths(rep, pr, resPath)
	rep.Comparison = check.StoredComparison(rep)
	return a.publishReport(ctx, pr, rep, resPath, changed, append(baseNotes, cfgNotes...))
}

// setPaths names the baseline and the results in the report. With a
// baseline, it is named with the base commit it was read at. Without one,
// the report's command that makes it must work as printed: it names the
// baseline input as the repository path to write and the results by their
// path in the workspace, .perfgate/results.json (where the action keeps a
// copy, also in the artifact) when they are outside it. In mode report the
// results come from the pull request's own run and must not become the
// baseline: the report points to mode baseline instead.
func (a *actionRun) setPaths(rep *check.Report, pr *action.PullRequest, resPath string) {
	if rep.Baseline != nil {
		basePath := a.in.baseline
		if pr != nil {
			basePath += " at " + short(pr.BaseSHA)
		}
		rep.SetPaths(basePath, a.rel(resPath))
		return
	}
	results := a.rel(resPath)
	if filepath.IsAbs(results) {
		kept := filepath.Join(a.workspace, outDir, "results.json")
		if err := copyFile(resPath, kept); err == nil {
			results = a.rel(kept)
		}
	}
	rep.SetPaths(a.rel(a.abs(a.in.baseline)), results)
	if a.in.mode == "report" {
		rep.BaselineCommand = ""
	}
}

// publishReport writes the report files, the summary and the outputs,
// publishes the comment and status, and returns the exit error.
func (a *actionRun) publishReport(ctx context.Context, pr *action.PullRequest, rep *check.Report, resPath string, changed, loadNotes []string) error {
	var notes []string
	if len(changed) > 0 {
		notes = append(notes, fmt.Sprintf("⚠️ This pull request changes %s (%s). It was compared with the baseline as it is on the base commit %s, not with its own; the new baseline takes effect once merged.",
			baselinesDir, strings.Join(changed, ", "), short(pr.BaseSHA)))
	}
	if pr != nil && pr.Fork && a.in.mode == "check" {
		notes = append(notes, "This pull request comes from a fork: its token is read-only, so the comment and status may be posted by the workflow_run reporter instead.")
	}
	if a.prov != nil {
		notes = append(a.prov.Notes(), notes...)
	}
	notes = append(notes, loadNotes...)
	rep.Notes = append(notes, rep.Notes...)

	// The full report goes to report.md and stdout; the job summary and the
	// comment get as much of it as fits (limitedMarkdown).
	var banner string
	if a.prov != nil {
		banner = a.prov.Banner()
	}
	var md bytes.Buffer
	md.WriteString(banner)
	if err := report.WriteMarkdown(&md, rep); err != nil {
		return a.finishError(ctx, pr, fmt.Errorf("markdown report: %w", err))
	}
	mdPath := filepath.Join(a.workspace, outDir, "report.md")
	if err := os.WriteFile(mdPath, md.Bytes(), 0o644); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	var js bytes.Buffer
	if err := report.WriteJSON(&js, rep); err == nil {
		os.WriteFile(filepath.Join(a.workspace, outDir, "report.json"), js.Bytes(), 0o644)
	}
	a.r.Summary(a.limitedMarkdown(banner, rep, maxSummaryReport, a.artifactWhere(mdPath)))
	state := "success"
	switch {
	case rep.Verdict == check.VerdictError:
		state = "error"
	case rep.Regressed():
		state = "failure"
	}
	description := rep.Headline()
	if a.prov != nil {
		state, description = a.prov.Status(state, description)
	}
	verdict := string(rep.Verdict)
	if a.prov != nil && !a.prov.Trusted() {
		verdict = string(check.VerdictError)
	}
	a.output("verdict", verdict)
	a.output("regressed", fmt.Sprint(rep.Regressed()))
	a.output("report-markdown", a.rel(mdPath))
	a.output("results-json", a.rel(resPath))
	a.annotate(rep)
	io.WriteString(a.e.stdout, md.String())

	url, pubErr := a.publish(ctx, pr, banner, rep, mdPath, state, description)
	a.output("comment-url", url)

	switch {
	case a.prov != nil && !a.prov.Trusted():
		return errors.Join(fmt.Errorf("mode report: the results are not trusted: %s; a maintainer must review the pull request and its run", a.prov.Reason()), pubErr)
	case rep.Verdict == check.VerdictError:
		return fmt.Errorf("the comparison could not decide: %s", rep.Headline())
	case rep.Regressed() && a.in.failOnRegression:
		return fmt.Errorf("%w: %s", check.ErrRegression, rep.Headline())
	case rep.Regressed():
		a.r.Warning("perfgate", "regression, but fail-on-regression is false: "+rep.Headline())
	}
	return pubErr
}

// annotate emits an annotation per failing gated metric and per warning
// (the runner bounds their number).
func (a *actionRun) annotate(rep *check.Report) {
	for _, m := range rep.Metrics {
		if !m.Gated {
			continue
		}
		switch m.Status {
		case check.StatusRegressed, check.StatusTargetMissed, check.StatusError:
			msg := strings.ReplaceAll(string(m.Status), "_", " ")
			if m.Reason != "" {
				msg += ": " + m.Reason
			}
			a.r.Error(m.Label, msg)
		}
	}
	for _, w := range rep.Warnings {
		a.r.Warning("perfgate", w)
	}
}

// publish posts the comment and the status of a pull request. The comment
// is banner and the report, shortened to what GitHub takes with the
// publisher's marker and the footer, and names where the full one is (the
// job summary and mdPath). Refusals (403/404: a fork, a missing
// permissions block) become warnings; any other failure is returned after
// both were tried.
func (a *actionRun) publish(ctx context.Context, pr *action.PullRequest, banner string, rep *check.Report, mdPath, state, description string) (commentURL string, err error) {
	if pr == nil {
		return "", nil
	}
	if a.gh == nil {
		a.r.Warning("perfgate", "no github-token: the report is in the job summary only")
		return "", nil
	}
	p := &action.Publisher{API: a.gh, Repo: a.ev.Repo, Context: a.in.statusContext}
	var errs []error
	refused := func(err error) {
		a.r.Warning("perfgate: GitHub refused", err.Error())
		// Cut, so that these lines stay within the job summary's margin.
		a.r.Summary(fmt.Sprintf("> [!WARNING]\n> perfgate could not post to the pull request: %s\n", mdLine(action.Truncate(err.Error(), maxRefusalChars))))
	}
	if a.in.comment {
		footer := ""
		if u := a.runURL(); u != "" {
			footer = fmt.Sprintf("\n<sub>perfgate · [workflow run](%s) · commit %s</sub>\n", u, short(pr.HeadSHA))
		}
		room := report.MaxCommentBytes - p.CommentOverhead() - len(footer)
		markdown := a.limitedMarkdown(banner, rep, room, "the job summary and "+a.artifactWhere(mdPath))
		url, err := p.UpsertComment(ctx, pr.Number, markdown+footer)
		switch {
		case err == nil:
			commentURL = url
			a.r.Infof("perfgate: comment %s", url)
		case action.IsPermission(err):
			refused(err)
		default:
			errs = append(errs, err)
		}
	}
	if err := p.SetStatus(ctx, pr.HeadSHA, state, description, a.runURL()); err != nil {
		if action.IsPermission(err) {
			refused(err)
		} else {
			errs = append(errs, err)
		}
	}
	return commentURL, errors.Join(errs...)
}

// maxSummaryReport is the most of the job summary (GitHub takes 1 MiB a
// step) the report may take: the rest is room for what the action adds
// after it, the line break after each part and at most two refusals of
// maxRefusalChars (publish), with a wide margin.
const maxSummaryReport = report.MaxSummaryBytes - 16<<10

// maxRefusalChars bounds GitHub's message in the job summary's warning
// that a post was refused (the log has it whole).
const maxRefusalChars = 1000

// limitedMarkdown is head and then the report, within max bytes in all:
// report.WriteMarkdownLimit leaves out whole parts and ends with a line
// that names where the full report is (where, written as given). Should the
// report not fit even so, it is a short note with the verdict instead.
func (a *actionRun) limitedMarkdown(head string, rep *check.Report, max int, where string) string {
	var b strings.Builder
	b.WriteString(head)
	err := report.WriteMarkdownLimit(&b, rep, report.MarkdownLimit{MaxBytes: max - len(head), FullReport: where})
	if err == nil {
		return b.String()
	}
	a.r.Warning("perfgate", fmt.Sprintf("the report does not fit in %d bytes: %v", max, err))
	return fmt.Sprintf("## perfgate: %s\n\n%s\n\nThe report does not fit here; the full report is in %s.\n",
		rep.Verdict, mdLine(rep.Headline()), where)
}

// artifactWhere names mdPath, the full markdown report, for the line that
// ends a shortened one: by its path in the workspace, and where it is kept
// after the job.
func (a *actionRun) artifactWhere(mdPath string) string {
	return fmt.Sprintf("`%s` (output report-markdown; kept in the workflow's artifact where it uploads `%s/`)",
		mdCode(a.rel(mdPath)), outDir)
}

// runURL links a status to the run that made it (the reporter's triggering
// run in mode report).
func (a *actionRun) runURL() string {
	if wr := a.ev.WorkflowRun; wr != nil && wr.HTMLURL != "" {
		return wr.HTMLURL
	}
	return a.ev.RunURL
}

// maxErrorBytes bounds the error finishError puts in the job summary and
// report.md (the log has it whole).
const maxErrorBytes = 64 << 10

// finishError reports an error that prevented a verdict: outputs, summary,
// an error status on the pull request; it returns err for exit code 2.
func (a *actionRun) finishError(ctx context.Context, pr *action.PullRequest, err error) error {
	a.output("verdict", string(check.VerdictError))
	a.output("regressed", "false")
	msg := err.Error()
	if len(msg) > maxErrorBytes {
		msg = strings.ToValidUTF8(msg[:maxErrorBytes], "") + "\n… (cut: the whole error is in the log)"
	}
	md := fmt.Sprintf("## perfgate: error\n\nperfgate could not reach a verdict:\n\n```\n%s\n```\n", strings.ReplaceAll(msg, "```", "'''"))
	mdPath := filepath.Join(a.workspace, outDir, "report.md")
	if werr := os.WriteFile(mdPath, []byte(md), 0o644); werr == nil {
		a.output("report-markdown", a.rel(mdPath))
	}
	a.r.Summary(md)
	if pr != nil && a.gh != nil {
		p := &action.Publisher{API: a.gh, Repo: a.ev.Repo, Context: a.in.statusContext}
		if serr := p.SetStatus(ctx, pr.HeadSHA, "error", "error: "+err.Error(), a.runURL()); serr != nil {
			a.r.Warning("perfgate: GitHub refused", serr.Error())
		}
	}
	return err
}

// baseline is mode baseline: make a baseline from a successful run and
// write it atomically; a failed or partial run never becomes one.
func (a *actionRun) baseline(ctx context.Context) error {
	if a.ev.Name == "push" && a.ev.DefaultBranch != "" && !a.ev.OnDefaultBranch() {
		a.r.Warning("perfgate", fmt.Sprintf("mode baseline on %s, not the default branch %s", a.ev.Ref, a.ev.DefaultBranch))
	}
	res, resPath, err := a.results(ctx)
	if err != nil {
		return a.finishError(ctx, nil, err)
	}
	a.output("results-json", a.rel(resPath))
	b, err := check.NewBaseline(res, results.BaselineMeta{Commit: a.ev.SHA, Ref: a.ev.Ref, Date: actionNow()})
	if err != nil {
		return a.finishError(ctx, nil, fmt.Errorf("no baseline written: %w", err))
	}
	out := a.abs(a.in.baseline)
	var old *results.Results
	if _, err := os.Stat(out); err == nil {
		if ob, err := results.ReadBaseline(out); err == nil {
			old = &ob.Results
			if ob.KeepRuns > 0 {
				if merged, why := b.MergeRuns(ob, ob.KeepRuns); !merged && why != "" {
					a.r.Infof("perfgate: the new baseline replaces the old one: %s", why)
				}
			}
		} else if res2, err2 := results.Load(out, ""); err2 == nil {
			old = res2
		}
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return a.finishError(ctx, nil, fmt.Errorf("baseline: %w", err))
	}
	if err := results.WriteBaseline(out, b); err != nil {
		return a.finishError(ctx, nil, err)
	}
	a.output("baseline-path", a.rel(out))
	a.r.Infof("perfgate: wrote baseline %s (commit %s, %d run(s))", a.rel(out), short(a.ev.SHA), len(b.Results.Runs))

	// Tell how the new baseline compares with the old one; this never fails
	// the step. report.md has it all, the job summary what fits.
	verdict := check.VerdictPass
	var md bytes.Buffer
	fmt.Fprintf(&md, "## perfgate: new baseline\n\nWrote `%s` from commit %s (%d run(s)).\n\n", mdCode(a.rel(out)), short(a.ev.SHA), len(b.Results.Runs))
	mdPath := filepath.Join(a.workspace, outDir, "report.md")
	summary := md.String()
	if rep, err := check.Compare(old, res, check.DefaultConfig()); err == nil {
		rep.SetPaths(a.in.baseline, a.rel(resPath))
		if old != nil {
			md.WriteString("Compared with the baseline it replaces:\n\n")
		}
		head := md.String()
		report.WriteMarkdown(&md, rep)
		summary = a.limitedMarkdown(head, rep, maxSummaryReport, a.artifactWhere(mdPath))
		verdict = rep.Verdict
		a.output("regressed", fmt.Sprint(rep.Regressed()))
	} else {
		a.output("regressed", "false")
	}
	if err := os.WriteFile(mdPath, md.Bytes(), 0o644); err == nil {
		a.output("report-markdown", a.rel(mdPath))
	}
	a.output("verdict", string(verdict))
	a.output("comment-url", "")
	a.r.Summary(summary)
	return nil
}

func copyFile(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, data, 0o644)
}

// short is a commit's 7-character abbreviation.
func short(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}

// mdCode makes s safe inside a markdown code span.
func mdCode(s string) string { return strings.ReplaceAll(s, "`", "'") }

// mdLine makes s one line of plain markdown text: no HTML, no mentions.
func mdLine(s string) string {
	r := strings.NewReplacer("\n", " ", "<", "&lt;", ">", "&gt;", "@", "@\u200b", "|", "\\|", "`", "'")
	return r.Replace(s)
}
