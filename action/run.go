package action

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/history"
)

// outDir is where the action writes its files, relative to the workspace:
// results.json, report.md, report.json and pr.json, the artifact that
// the workflow_run reporter reads.
const outDir = ".perfgate"

// baselinesDir is the directory whose change by a pull request the report
// calls out.
const baselinesDir = "baselines/"

// Options are what one run of the action gets from the outside world.
type Options struct {
	// Getenv reads the runner's environment: INPUT_*, GITHUB_* and the
	// runner's files (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY).
	Getenv func(string) string
	// Stdout is the job's log; Stderr the suite's log.
	Stdout, Stderr io.Writer
	// Gate runs the suite through the gate in check and baseline mode (main
	// wires package gate; nil: those modes need a results input).
	Gate Gate
	// Now is the clock of the baseline's date (time.Now when nil).
	Now func() time.Time
	// Sleep waits between retries of GitHub API calls (SleepContext when nil).
	Sleep Sleep
	// Transport carries the GitHub API calls (http.DefaultTransport when nil).
	Transport http.RoundTripper
}

// Run is one run of the GitHub Action (the container's entrypoint): it
// reads its inputs and the event from the runner's environment (INPUT_*,
// GITHUB_EVENT_PATH, …), runs the mode, writes its outputs, the job summary
// and annotations through the runner's files and workflow commands, and
// publishes the comment and the status. Its error gives the exit code:
// check.ErrRegression (wrapped) for a regression, any other for an error.
func Run(ctx context.Context, o Options) error {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = SleepContext
	}
	r := NewRunner(o.Getenv, o.Stdout)
	a := &step{o: o, r: r, outputs: map[string]bool{}}
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
func (a *step) output(name, value string) {
	if a.outputs[name] {
		return
	}
	a.outputs[name] = true
	a.r.SetOutput(name, value)
}

// A step is one run of the action, as one step of a workflow job.
type step struct {
	o         Options
	r         *Runner
	in        Inputs
	ev        *Event
	workspace string
	gh        API
	// prov is set in mode report: where the results come from, and
	// whether they may decide the status.
	prov *Provenance
	// outputs records the outputs set.
	outputs map[string]bool
	// kept is the copy of the results keepResults made, once: done, and
	// the copy's path ("" when it failed).
	kept struct {
		done bool
		path string
	}
	// hist is the history at the base commit, read once (baseHistory).
	hist struct {
		done bool
		h    *history.History
	}
	// against is the release compared with instead of the base commit
	// (compare-to release); release the second comparison of compare-to
	// both. Either is nil when not made.
	against, release *release
}

func (a *step) run(ctx context.Context) error {
	if err := a.readInputs(); err != nil {
		return err
	}
	ev, err := ReadEvent(a.o.Getenv)
	if err != nil {
		return err
	}
	a.ev = ev
	a.workspace = a.o.Getenv("GITHUB_WORKSPACE")
	if a.workspace == "" {
		if a.workspace, err = os.Getwd(); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Join(a.workspace, outDir), 0o755); err != nil {
		return fmt.Errorf("output directory: %w", err)
	}
	if a.in.Token != "" {
		gh, err := NewGitHub(GitHubOptions{
			APIURL:    a.o.Getenv("GITHUB_API_URL"),
			Token:     a.in.Token,
			Sleep:     a.o.Sleep,
			Transport: a.o.Transport,
			Log:       func(f string, args ...any) { a.r.Infof(f, args...) },
		})
		if err != nil {
			return err
		}
		a.gh = gh
	}
	switch a.in.Mode {
	case "check":
		return a.check(ctx)
	case "baseline":
		return a.baseline(ctx)
	case "report":
		return a.report(ctx)
	case "aggregate":
		return a.aggregate(ctx)
	}
	return fmt.Errorf("input mode: %q is not check, baseline, report or aggregate", a.in.Mode)
}
