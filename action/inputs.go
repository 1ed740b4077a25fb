package action

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/perfgate/perfgate/check"
)

// Inputs are the inputs of action.yml, read and checked (ReadInputs).
type Inputs struct {
	// Mode is check, baseline or report.
	Mode string
	// Results is a results file to compare instead of running the suite.
	Results string
	// Baseline is the baseline's repository path; Config the config's.
	Baseline, Config string
	// ClientCommand is the client under test; BaselineClientCommand,
	// when set, the baseline client of A/B mode.
	ClientCommand, BaselineClientCommand string
	// Runs and MaxRuns per side, and the TimeBudget adaptive repetition
	// may take.
	Runs, MaxRuns int
	TimeBudget    time.Duration
	Quick         bool
	Token         string
	// Comment says whether to keep the PR comment; StatusContext names
	// the commit status.
	Comment       bool
	StatusContext string
	// FailOnRegression makes a regression fail the step.
	FailOnRegression bool
	// History is the history file's repository path (mode baseline
	// appends to it, check and report draw its trend and find the last
	// release in it); "" disables it.
	History string
	// CompareTo is base, release or both: what check and report mode
	// compare with (see compareTo).
	CompareTo string
	// Shard, when set, makes check mode one shard of a matrix: this job's
	// runs only, their results kept for mode aggregate, no comment or
	// status. ShardIndex counts from 0 (strategy.job-index).
	Shard                  string
	ShardIndex, ShardTotal int
}

// The values of input compare-to.
const (
	CompareBase    = "base"
	CompareRelease = "release"
	CompareBoth    = "both"
)

// DefaultTimeBudget is the default of input time-budget: the wall time
// adaptive repetition may take for all runs ('perfgate run --budget' too).
const DefaultTimeBudget = 8 * time.Minute

func (a *step) readInputs() error {
	in, err := ReadInputs(a.r)
	a.in = in
	return err
}

// ReadInputs reads the inputs through r, masks the token first, applies
// the defaults action.yml states, and returns every problem at once, each
// naming its input.
func ReadInputs(r *Runner) (Inputs, error) {
	in := Inputs{
		Mode:                  strings.ToLower(r.Input("mode")),
		Results:               r.Input("results"),
		Baseline:              r.Input("baseline"),
		Config:                r.Input("config"),
		ClientCommand:         r.Input("client-command"),
		BaselineClientCommand: r.Input("baseline-client-command"),
		Token:                 r.Input("github-token"),
		StatusContext:         r.Input("status-context"),
		History:               r.Input("history"),
		CompareTo:             strings.ToLower(r.Input("compare-to")),
		Shard:                 strings.TrimSpace(r.Input("shard")),
	}
	// Mask the token before anything else can print it.
	r.Mask(in.Token)
	if in.Mode == "" {
		in.Mode = "check"
	}
	if in.Baseline == "" {
		in.Baseline = "baselines/default.json"
	}
	if in.StatusContext == "" {
		in.StatusContext = "perfgate"
	}
	if in.CompareTo == "" {
		in.CompareTo = CompareBase
	}
	var errs []error
	var err error
	switch in.CompareTo {
	case CompareBase, CompareRelease, CompareBoth:
	default:
		errs = append(errs, fmt.Errorf("input compare-to: %q is not base, release or both", in.CompareTo))
	}
	if in.CompareTo != CompareBase && in.History == "" {
		errs = append(errs, fmt.Errorf("input compare-to: %s needs the history input (the release is found in the history file)", in.CompareTo))
	}
	if in.CompareTo != CompareBase && in.BaselineClientCommand != "" {
		errs = append(errs, fmt.Errorf("input compare-to: %s compares with stored baselines; A/B mode (baseline-client-command) does not read them", in.CompareTo))
	}
	if in.Runs, err = r.IntInput("runs", check.DefaultConfig().RecommendedRuns, 1); err != nil {
		errs = append(errs, err)
	}
	if in.Quick, err = r.BoolInput("quick", false); err != nil {
		errs = append(errs, err)
	}
	if in.MaxRuns, err = r.IntInput("max-runs", 0, 1); err != nil {
		errs = append(errs, err)
	}
	if in.MaxRuns == 0 {
		in.MaxRuns = in.Runs // adaptive repetition off unless asked for
	}
	if in.MaxRuns < in.Runs {
		errs = append(errs, fmt.Errorf("input max-runs: %d is less than runs %d", in.MaxRuns, in.Runs))
	}
	if in.TimeBudget, err = r.DurationInput("time-budget", DefaultTimeBudget); err != nil {
		errs = append(errs, err)
	}
	if in.BaselineClientCommand != "" && in.Mode != "check" {
		errs = append(errs, fmt.Errorf("input baseline-client-command: A/B mode is for mode check, not %s", in.Mode))
	}
	if in.BaselineClientCommand != "" && in.Results != "" {
		errs = append(errs, errors.New("input baseline-client-command: A/B mode runs the suite; it cannot take a results file"))
	}
	if in.Comment, err = r.BoolInput("comment", true); err != nil {
		errs = append(errs, err)
	}
	if in.FailOnRegression, err = r.BoolInput("fail-on-regression", true); err != nil {
		errs = append(errs, err)
	}
	if in.Shard != "" {
		if in.ShardIndex, in.ShardTotal, err = ParseShard(in.Shard); err != nil {
			errs = append(errs, err)
		}
		if in.Mode != "check" {
			errs = append(errs, fmt.Errorf("input shard: a shard is a check-mode job, not mode %s", in.Mode))
		}
	}
	if in.Mode == "aggregate" && in.Results == "" {
		errs = append(errs, errors.New("input results: mode aggregate needs the directory the shards' artifacts were downloaded to"))
	}
	if in.Mode == "report" && in.Results == "" {
		errs = append(errs, errors.New("input results: mode report needs the results file from the check run's artifact"))
	}
	return in, errors.Join(errs...)
}

// abs resolves a path input against the workspace.
func (a *step) abs(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(a.workspace, p)
}

// rel is p relative to the workspace, for outputs: the container sees the
// workspace at another path than the steps after it.
func (a *step) rel(p string) string {
	if r, err := filepath.Rel(a.workspace, p); err == nil && !strings.HasPrefix(r, "..") {
		return filepath.ToSlash(r)
	}
	return p
}

// ParseShard parses input shard, "I/K": shard I (from 0, as
// strategy.job-index counts) of K (strategy.job-total).
func ParseShard(s string) (index, total int, err error) {
	i, k, ok := strings.Cut(s, "/")
	index, err1 := strconv.Atoi(strings.TrimSpace(i))
	total, err2 := strconv.Atoi(strings.TrimSpace(k))
	if !ok || err1 != nil || err2 != nil || total < 1 || index < 0 || index >= total {
		return 0, 0, fmt.Errorf("input shard: %q is not I/K with 0 ≤ I < K (use ${{ strategy.job-index }}/${{ strategy.job-total }})", s)
	}
	return index, total, nil
}
