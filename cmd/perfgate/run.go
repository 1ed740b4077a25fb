package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/perfgate/perfgate/action"
	"github.com/perfgate/perfgate/benchmark"
	"github.com/perfgate/perfgate/benchmark/torlab"
	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/gate"
	"github.com/perfgate/perfgate/internal/actiongate"
	"github.com/perfgate/perfgate/internal/cmdutil"
	"github.com/perfgate/perfgate/results"
)

// defaultBaseline is used when --baseline is not given and it exists: the
// action's default baseline path.
const defaultBaseline = "baselines/default.json"

// chooseBaseline is the baseline 'perfgate run' compares with: the one
// given, else defaultBaseline when it exists, else none ("").
func chooseBaseline(given string) string {
	if given != "" {
		return given
	}
	if _, err := os.Stat(defaultBaseline); err == nil {
		return defaultBaseline
	}
	return ""
}

// runOptions are the options of 'perfgate run'.
type runOptions struct {
	runs, maxRuns          int
	quick                  bool
	out, baseOut, baseline string
	timeout, budget        time.Duration
	client, baseClient     string
	logLevel, order, loop  string
	config                 cmdutil.Config
	output                 cmdutil.Outputs
	set                    map[string]bool // the flags given
}

func (o *runOptions) register(fs *flag.FlagSet) {
	fs.IntVar(&o.runs, "runs", check.DefaultConfig().RecommendedRuns, "number of runs, each on a fresh private network (1 with --quick unless given)")
	fs.BoolVar(&o.quick, "quick", false, "smaller samples and one run (about 30 s)")
	fs.StringVar(&o.out, "out", "perfgate-results.json", "write the results to `FILE`")
	fs.DurationVar(&o.timeout, "timeout", 5*time.Minute, "bound on one run, the network's start included")
	fs.StringVar(&o.client, "client", "", "command template of the client under test (default: the system's tor)")
	fs.StringVar(&o.logLevel, "log-level", "warn", "log level of the suite's log on standard error: debug, info, warn, error")
	fs.StringVar(&o.baseClient, "baseline-client", "", "A/B mode: command template of the baseline client (same syntax as --client; \"tor\" for the system's tor), run alternately with the client under test on one network")
	fs.StringVar(&o.baseOut, "baseline-out", "perfgate-baseline-results.json", "A/B mode: write the baseline client's results to `FILE`")
	fs.StringVar(&o.order, "order", "balanced", "A/B mode: interleaving of the runs: balanced (ABBA BAAB …), abba, alternate")
	fs.IntVar(&o.maxRuns, "max-runs", 0, "adaptive repetition: at most `M` runs (per side) while a gated metric is inconclusive (default: --runs, i.e. off)")
	fs.DurationVar(&o.budget, "budget", action.DefaultTimeBudget, "adaptive repetition: no extra run unless it fits in this wall time for all runs")
	fs.StringVar(&o.loop, "loopback", "auto", "the private network's loopback: auto (the best this process can have), namespace, shim or host; see docs/network.md")
	fs.StringVar(&o.baseline, "baseline", "", "baseline `FILE` (default: baselines/default.json when present)")
	o.config.Register(fs, false)
	o.output.Register(fs)
}

// gateOptions checks the flags and turns them into the gate's options.
func (o *runOptions) gateOptions(e *env) (gate.Options, error) {
	if o.quick && !o.set["runs"] {
		o.runs = 1
	}
	if !o.set["max-runs"] {
		o.maxRuns = o.runs
	}
	ab := o.set["baseline-client"]
	var level slog.Level
	switch {
	case o.runs < 1:
		return gate.Options{}, fmt.Errorf("--runs must be at least 1, not %d", o.runs)
	case o.maxRuns < o.runs:
		return gate.Options{}, fmt.Errorf("--max-runs %d is less than --runs %d", o.maxRuns, o.runs)
	case o.budget <= 0:
		return gate.Options{}, fmt.Errorf("--budget must be positive, not %v", o.budget)
	case ab && strings.TrimSpace(o.baseClient) == "":
		return gate.Options{}, errors.New("--baseline-client needs a command template (\"tor\" for the system's tor)")
	case level.UnmarshalText([]byte(o.logLevel)) != nil:
		return gate.Options{}, fmt.Errorf("--log-level %q: want debug, info, warn or error", o.logLevel)
	}
	if err := cmdutil.CheckColor("run", o.output.Color); err != nil {
		return gate.Options{}, err
	}
	ord, err := benchmark.ParseOrder(o.order)
	if err != nil {
		return gate.Options{}, fmt.Errorf("--order: %w", err)
	}
	lb, err := torlab.ParseLoopbackMode(o.loop)
	if err != nil {
		return gate.Options{}, fmt.Errorf("--loopback: %w", err)
	}
	if ab && o.set["baseline"] {
		fmt.Fprintf(e.Stderr, "perfgate run: --baseline %s is ignored in A/B mode (--baseline-client): the two clients are compared directly\n", o.baseline)
	}
	// Load the config and the baseline before spending minutes on the suite.
	g := gate.Options{AB: ab, MaxRuns: o.maxRuns, Budget: o.budget, Now: e.Now, BaselinePath: o.baseOut, ResultsPath: o.out}
	if g.Config, err = o.config.Load(); err != nil {
		return g, err
	}
	if !ab {
		o.baseline = chooseBaseline(o.baseline)
		g.BaselinePath = o.baseline
		if g.Baseline, err = check.LoadBaseline(o.baseline, "auto"); err != nil {
			return g, err
		}
	}
	cfg := benchmark.DefaultConfig()
	if o.quick {
		cfg = benchmark.QuickConfig()
	}
	g.Suite = benchmark.RunOptions{
		Runs: o.runs, Quick: o.quick, Config: cfg, Timeout: o.timeout,
		ClientCommand:         actiongate.SystemTor(o.client),
		BaselineClientCommand: actiongate.SystemTor(o.baseClient),
		Order:                 ord, Loopback: lb, Getenv: e.Getenv,
		Log:      slog.New(slog.NewTextHandler(e.Stderr, &slog.HandlerOptions{Level: level})),
		Progress: benchmark.NewProgress(e.Stderr, e.Getenv("GITHUB_ACTIONS") == "true", cmdutil.IsTerminal(e.Stderr)),
	}
	g.Saved = func(base, head *results.Results) error {
		if err := benchmark.WriteResultsFile(o.out, head); err != nil {
			return err
		}
		if base != nil {
			return benchmark.WriteResultsFile(o.baseOut, base)
		}
		return nil
	}
	return g, nil
}

// cmdRun is 'perfgate run': network up → suite → results file → compare →
// report, through package gate. A run that fails (network, client death,
// timeout) is exit 2, after the report of the runs that finished; a
// regression or missed target exit 1.
func cmdRun(ctx context.Context, e *env, args []string) error {
	o := runOptions{set: map[string]bool{}}
	fs := newFlags("run")
	o.register(fs)
	if err := parseFlags(e, fs, args, false); err != nil {
		return err
	}
	fs.Visit(func(fl *flag.Flag) { o.set[fl.Name] = true })
	g, err := o.gateOptions(e)
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	begin := e.Now()
	out, runErr := gate.Run(ctx, g)
	if out.Head != nil {
		what := fmt.Sprintf("%d run(s)", len(out.Head.Runs))
		if out.Base != nil {
			what += fmt.Sprintf(" of the client under test; %s: %d run(s) of the baseline client", o.baseOut, len(out.Base.Runs))
		}
		g.Suite.Progress.Println("results: %s (%s, %.1fs)", o.out, what, e.Now().Sub(begin).Seconds())
	}
	if runErr != nil {
		// The partial-run rule (package gate): the runs that finished are
		// reported, and the exit is 2.
		if out.Report != nil {
			if err := o.output.Emit(e, out.Report, o.out); err != nil && !errors.Is(err, check.ErrRegression) {
				runErr = errors.Join(runErr, err)
			}
		}
		return fmt.Errorf("run: %w", runErr)
	}
	return o.output.Emit(e, out.Report, o.out)
}
