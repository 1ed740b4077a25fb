package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/mattn/go-isatty"

	"github.com/perfgate/perfgate/benchmark"
)

const runUsage = `usage: perfgate run [--runs N] [--quick] [--out FILE] [--baseline FILE] [--config FILE]
                    [--markdown FILE] [--json FILE] [--client CMD] [--timeout D]

Runs the benchmark suite N times, each on a fresh private Tor network on
loopback (Debian's tor as relays and, by default, as the client under
test), writes the results file, compares it with the baseline and the
absolute targets, and prints the table. Without --baseline it uses
baselines/default.json (the action's default) when present; without a
baseline the targets alone decide.

Progress goes to standard error: one line per phase in logs, ::group::
blocks in GitHub Actions, a live line on a terminal.
`

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

// cmdRun is 'perfgate run': network up → suite → results file → compare →
// report. A run that fails (network, client death, timeout) is exit 2, a
// regression or missed target exit 1.
func cmdRun(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var (
		runs     = fs.Int("runs", 3, "number of runs, each on a fresh private network (1 with --quick unless given)")
		quick    = fs.Bool("quick", false, "smaller samples and one run (about 30 s)")
		out      = fs.String("out", "perfgate-results.json", "write the results to `FILE`")
		timeout  = fs.Duration("timeout", 5*time.Minute, "bound on one run, the network's start included")
		client   = fs.String("client", "", "command template of the client under test (default: the system's tor)")
		logLevel = fs.String("log-level", "warn", "log level of the suite's log on standard error: debug, info, warn, error")
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
	runsSet := false
	fs.Visit(func(fl *flag.Flag) { runsSet = runsSet || fl.Name == "runs" })
	if *quick && !runsSet {
		*runs = 1
	}
	if *runs < 1 {
		return fmt.Errorf("run: --runs must be at least 1, not %d", *runs)
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
	f.baseline = chooseBaseline(f.baseline)
	// Load the config before spending minutes on the suite.
	if _, err := f.loadConfig(); err != nil {
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
	begin := time.Now()
	res, runErr := benchmark.Run(ctx, benchmark.RunOptions{
		Runs:          *runs,
		Quick:         *quick,
		Config:        cfg,
		Timeout:       *timeout,
		ClientCommand: *client,
		Log:           slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level})),
		Progress:      progress,
		Getenv:        e.getenv,
	})
	if res != nil {
		if err := benchmark.WriteResultsFile(*out, res); err != nil {
			return errors.Join(runErr, err)
		}
		progress.Println("results: %s (%d run(s), %.1fs)", *out, len(res.Runs), time.Since(begin).Seconds())
	}
	if runErr != nil {
		return fmt.Errorf("run: %w", runErr)
	}
	f.results = *out
	rep, err := f.compare()
	if err != nil {
		return err
	}
	return f.emit(e, rep)
}
