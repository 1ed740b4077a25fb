package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/mattn/go-isatty"

	"github.com/perfgate/perfgate/action"
	"github.com/perfgate/perfgate/benchmark"
	"github.com/perfgate/perfgate/benchmark/torlab"
	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/gate"
	"github.com/perfgate/perfgate/internal/actiongate"
	"github.com/perfgate/perfgate/results"
)

const runUsage = `usage: perfgate run [--runs N] [--quick] [--out FILE] [--baseline FILE] [--config FILE]
                    [--markdown FILE] [--json FILE] [--client CMD] [--timeout D]
                    [--baseline-client CMD [--baseline-out FILE]] [--max-runs M] [--budget D]
                    [--loopback auto|namespace|shim|host]

Runs the benchmark suite N times, each on a fresh private Tor network on
loopback (Debian's tor as relays and, by default, as the client under
test), writes the results file, compares it with the baseline and the
absolute targets, and prints the table. Without --baseline it uses
baselines/default.json (the action's default) when present; without a
baseline the targets alone decide.

With --baseline-client (interleaved A/B mode) it runs the baseline client
(A) and the client under test (B) alternately on one private network, N
runs each in a balanced order (ABBA BAAB …), each run on a fresh client;
it writes B's results to --out and A's to --baseline-out, and compares B
with A directly (any stored baseline is ignored).

Adaptive repetition: after the N runs (per side) it compares; while a
gated metric's confidence interval straddles its threshold, it takes one
more run (per side) as long as --max-runs and the --budget for all runs
allow. It is off by default (--max-runs = --runs): measured on real runs
it cost one to two minutes per verdict and raised neither detection nor
confidence (README, "Gate quality"); e.g. --max-runs 7 turns it on.

The network's loopback (--loopback, default auto) is the best this process
can have: a network namespace whose loopback ACKs at once (root or
CAP_SYS_ADMIN+CAP_NET_ADMIN), else the host's loopback with the relays
preloaded with the quick-ACK shim (bin/libperfgate-quickack.so, built by
make), else the host's loopback as it is; the first progress line says which
and why, and the results record it.

Progress goes to standard error: one line per phase in logs, ::group::
blocks in GitHub Actions, a live line on a terminal.
`

// defaultBaseline is used when --baseline is not given and it exists: the
// action's default baseline path.
const defaultBaseline = "baselines/default.json"

// The defaults perfgate run and the action share: the runs per side the
// gate's allowances are set for (check's RecommendedRuns; action.yml says
// the same), and the wall time adaptive repetition may take.
var defaultRuns = check.DefaultConfig().RecommendedRuns

const defaultBudget = action.DefaultTimeBudget

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

// cmdRun is 'perfgate run': network up → suite → results file → compare →
// report. A run that fails (network, client death, timeout) is exit 2, a
// regression or missed target exit 1.
func cmdRun(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var (
		runs     = fs.Int("runs", defaultRuns, "number of runs, each on a fresh private network (1 with --quick unless given)")
		quick    = fs.Bool("quick", false, "smaller samples and one run (about 30 s)")
		out      = fs.String("out", "perfgate-results.json", "write the results to `FILE`")
		timeout  = fs.Duration("timeout", 5*time.Minute, "bound on one run, the network's start included")
		client   = fs.String("client", "", "command template of the client under test (default: the system's tor)")
		logLevel = fs.String("log-level", "warn", "log level of the suite's log on standard error: debug, info, warn, error")
		baseCmd  = fs.String("baseline-client", "", "A/B mode: command template of the baseline client (same syntax as --client; \"tor\" for the system's tor), run alternately with the client under test on one network")
		baseOut  = fs.String("baseline-out", "perfgate-baseline-results.json", "A/B mode: write the baseline client's results to `FILE`")
		order    = fs.String("order", "balanced", "A/B mode: interleaving of the runs: balanced (ABBA BAAB …), abba, alternate")
		maxRuns  = fs.Int("max-runs", 0, "adaptive repetition: at most `M` runs (per side) while a gated metric is inconclusive (default: --runs, i.e. off)")
		budget   = fs.Duration("budget", defaultBudget, "adaptive repetition: no extra run unless it fits in this wall time for all runs")
		loopback = fs.String("loopback", "auto", "the private network's loopback: auto (the best this process can have), namespace, shim or host; see README")
	)
	f := &compareFlags{fs: fs, format: "auto"}
	fs.StringVar(&f.baseline, "baseline", "", "baseline `FILE` (default: baselines/default.json when present)")
	fs.StringVar(&f.config, "config", "", "YAML config `FILE` (targets, allowed regressions, gating)")
	fs.StringVar(&f.markdown, "markdown", "", "write the markdown report to `FILE` (- for stdout)")
	fs.StringVar(&f.json, "json", "", "write the JSON verdict to `FILE` (- for stdout)")
	fs.StringVar(&f.color, "color", "auto", "colour the terminal table: auto, always, never")
	fs.BoolVar(&f.quiet, "quiet", false, "do not print the terminal table")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(e.stdout, fs, runUsage)
			return errHelp
		}
		return fmt.Errorf("run: %v (see 'perfgate run -h')", err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("run: unexpected argument %q (see 'perfgate run -h')", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	if *quick && !set["runs"] {
		*runs = 1
	}
	if *runs < 1 {
		return fmt.Errorf("run: --runs must be at least 1, not %d", *runs)
	}
	if !set["max-runs"] {
		*maxRuns = *runs
	}
	if *maxRuns < *runs {
		return fmt.Errorf("run: --max-runs %d is less than --runs %d", *maxRuns, *runs)
	}
	if *budget <= 0 {
		return fmt.Errorf("run: --budget must be positive, not %v", *budget)
	}
	ab := set["baseline-client"]
	if ab && strings.TrimSpace(*baseCmd) == "" {
		return errors.New("run: --baseline-client needs a command template (\"tor\" for the system's tor)")
	}
	ord, err := benchmark.ParseOrder(*order)
	if err != nil {
		return fmt.Errorf("run: --order: %w", err)
	}
	lbMode, err := torlab.ParseLoopbackMode(*loopback)
	if err != nil {
		return fmt.Errorf("run: --loopback: %w", err)
	}
	if ab && set["baseline"] {
		fmt.Fprintf(e.stderr, "perfgate run: --baseline %s is ignored in A/B mode (--baseline-client): the two clients are compared directly\n", f.baseline)
	}
	switch f.color {
	case "auto", "always", "never":
	default:
		return fmt.Errorf("run: --color %q: want auto, always or never", f.color)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("run: --log-level: %v", err)
	}
	if !ab {
		f.baseline = chooseBaseline(f.baseline)
	}
	// Load the config before spending minutes on the suite.
	ccfg, err := f.loadConfig()
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}

	cfg := benchmark.DefaultConfig()
	if *quick {
		cfg = benchmark.QuickConfig()
	}
	github := e.getenv("GITHUB_ACTIONS") == "true"
	tty := false
	if fd, ok := e.stderr.(interface{ Fd() uintptr }); ok {
		tty = isatty.IsTerminal(fd.Fd())
	}
	progress := benchmark.NewProgress(e.stderr, github, tty)
	var stored *results.Results
	if !ab && f.baseline != "" {
		// Read the baseline before spending minutes on the suite; a missing
		// file means the targets alone decide.
		bf := f.format
		if f.baselineFormat != "" {
			bf = f.baselineFormat
		}
		stored, err = results.Load(f.baseline, bf)
		if errors.Is(err, os.ErrNotExist) {
			stored, err = nil, nil
		}
		if err != nil {
			return fmt.Errorf("run: %w", err)
		}
	}
	baselinePath := f.baseline
	if ab {
		baselinePath = *baseOut
	}
	begin := time.Now()
	g, runErr := gate.Run(ctx, gate.Options{
		Suite: benchmark.RunOptions{
			Runs:                  *runs,
			Quick:                 *quick,
			Config:                cfg,
			Timeout:               *timeout,
			ClientCommand:         actiongate.SystemTor(*client),
			BaselineClientCommand: actiongate.SystemTor(*baseCmd),
			Order:                 ord,
			Loopback:              lbMode,
			Log:                   slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level})),
			Progress:              progress,
			Getenv:                e.getenv,
		},
		Baseline:     stored,
		Config:       ccfg,
		MaxRuns:      *maxRuns,
		Budget:       *budget,
		BaselinePath: baselinePath,
		ResultsPath:  *out,
		Saved: func(base, head *results.Results) error {
			if err := benchmark.WriteResultsFile(*out, head); err != nil {
				return err
			}
			if ab && base != nil {
				return benchmark.WriteResultsFile(*baseOut, base)
			}
			return nil
		},
	})
	if g.Head != nil {
		what := fmt.Sprintf("%d run(s)", len(g.Head.Runs))
		if ab && g.Base != nil {
			what = fmt.Sprintf("%d run(s) of the client under test; %s: %d run(s) of the baseline client", len(g.Head.Runs), *baseOut, len(g.Base.Runs))
		}
		progress.Println("results: %s (%s, %.1fs)", *out, what, time.Since(begin).Seconds())
	}
	if runErr != nil {
		// The partial-run rule (package gate): the runs that finished are
		// reported, and the exit is 2.
		if g.Report != nil {
			if err := f.emit(e, g.Report); err != nil && !errors.Is(err, check.ErrRegression) {
				runErr = errors.Join(runErr, err)
			}
		}
		return fmt.Errorf("run: %w", runErr)
	}
	return f.emit(e, g.Report)
}
