// Command benchmark is go-tor's standalone benchmark tool, measuring a real
// Tor client: it starts a private Tor network on loopback (the system's tor
// as relays and, by default, as the client under test), runs the suite,
// prints go-tor's summary and the targets evaluation, and optionally writes
// the results file perfgate compares.
//
//	bin/benchmark                     # all benchmarks, one run
//	bin/benchmark -circuit -memory=false -streams=false
//	bin/benchmark -all -json out.json -runs 3
//	bin/benchmark -quick
//
// Exit codes: 0 every target met, 1 a target missed, 2 error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/perfgate/perfgate/benchmark"
	"github.com/perfgate/perfgate/benchmark/torlab"
	"github.com/perfgate/perfgate/internal/cmdutil"
)

// version is set at build time (-ldflags "-X main.version=…").
var version = "0.1.0-dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// options are the tool's flags.
type options struct {
	circuit, memory, streams, all bool
	timeout                       time.Duration
	version                       bool
	logLevel                      string
	jsonPath                      string
	runs                          int
	quick                         bool
	client                        string
	cpuProfile                    string
	loopback                      string
	circuitPause                  time.Duration
	warmup                        int
	ladderBudget                  time.Duration
}

func parse(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("benchmark", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&o.circuit, "circuit", true, "run the circuit benchmarks (build, concurrent build, pool)")
	fs.BoolVar(&o.memory, "memory", true, "run the memory benchmarks (steady state, leaks)")
	fs.BoolVar(&o.streams, "streams", true, "run the stream benchmarks (concurrent, scaling, multiplexing)")
	fs.BoolVar(&o.all, "all", false, "run every benchmark (overrides -circuit -memory -streams)")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Minute, "bound on one run, the network's start included")
	fs.BoolVar(&o.version, "version", false, "print the version and exit")
	fs.StringVar(&o.logLevel, "log-level", "info", "log level: debug, info, warn, error")
	fs.StringVar(&o.jsonPath, "json", "", "write the results (perfgate results v1) to `FILE`")
	fs.IntVar(&o.runs, "runs", 1, "number of runs, each on a fresh private network")
	fs.BoolVar(&o.quick, "quick", false, "smaller sample sizes (one run in about 30 s)")
	fs.StringVar(&o.client, "client", "", "command template of the client under test (default: the system's tor)")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write the harness's CPU profile to `FILE`")
	fs.StringVar(&o.loopback, "loopback", "auto", "the private network's loopback: auto, namespace, shim or host (see README)")
	fs.DurationVar(&o.circuitPause, "circuit-pause", 0, "idle time before each sequential circuit build (0: the loopback's default; negative: none)")
	fs.IntVar(&o.warmup, "circuit-warmup", 0, "sequential builds left out first (0: the default; negative: none)")
	fs.DurationVar(&o.ladderBudget, "ladder-budget", 0, "wall time of the stream-scaling ladder (0: the default)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if o.runs < 1 {
		return nil, fmt.Errorf("-runs must be at least 1, not %d", o.runs)
	}
	if o.all {
		o.circuit, o.memory, o.streams = true, true, true
	}
	if !o.circuit && !o.memory && !o.streams {
		return nil, errors.New("no benchmark selected")
	}
	return o, nil
}

func logLevel(s string) (slog.Level, error) {
	var l slog.Level
	err := l.UnmarshalText([]byte(s))
	return l, err
}

// run is the tool's main; it returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	o, err := parse(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "benchmark: %v\n", err)
		return 2
	}
	if o.version {
		fmt.Fprintf(stdout, "benchmark %s (perfgate)\n", version)
		return 0
	}
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			fmt.Fprintf(stderr, "benchmark: %v\n", err)
			return 2
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintf(stderr, "benchmark: %v\n", err)
			return 2
		}
		defer pprof.StopCPUProfile()
	}
	level, err := logLevel(o.logLevel)
	if err != nil {
		fmt.Fprintf(stderr, "benchmark: -log-level: %v\n", err)
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	log.Info("Starting perfgate benchmarks on a private Tor network", "version", version, "runs", o.runs, "quick", o.quick)

	cfg := benchmark.DefaultConfig()
	if o.quick {
		cfg = benchmark.QuickConfig()
	}
	if o.circuitPause != 0 {
		cfg.CircuitPause = o.circuitPause
	}
	if o.warmup != 0 {
		cfg.CircuitWarmup = o.warmup
	}
	if o.ladderBudget > 0 {
		cfg.LadderBudget = o.ladderBudget
	}
	mode, err := torlab.ParseLoopbackMode(o.loopback)
	if err != nil {
		fmt.Fprintf(stderr, "benchmark: -loopback: %v\n", err)
		return 2
	}
	progress := benchmark.NewProgress(stderr, getenv("GITHUB_ACTIONS") == "true", cmdutil.IsTerminal(stderr))
	res, runErr := benchmark.Run(ctx, benchmark.RunOptions{
		Runs:          o.runs,
		Quick:         o.quick,
		Config:        cfg,
		Categories:    benchmark.Categories{Circuit: o.circuit, Memory: o.memory, Streams: o.streams},
		Timeout:       o.timeout,
		ClientCommand: o.client,
		Loopback:      mode,
		Log:           log,
		Progress:      progress,
		Getenv:        getenv,
		AfterRun: func(i int, s *benchmark.Suite) {
			if o.runs > 1 {
				fmt.Fprintf(stdout, "\nRun %d of %d\n", i+1, o.runs)
			}
			if err := benchmark.WriteResultsSummary(stdout, s.Results()); err != nil {
				log.Error("writing the run's summary", "err", err)
			}
		},
	})
	if o.jsonPath != "" && res != nil {
		if err := benchmark.WriteResultsFile(o.jsonPath, res); err != nil {
			fmt.Fprintf(stderr, "benchmark: %v\n", err)
			return 2
		}
		log.Info("Results written", "file", o.jsonPath)
	}
	if runErr != nil {
		fmt.Fprintf(stderr, "benchmark: %v\n", runErr)
		return 2
	}
	targets := benchmark.EvaluateTargets(res, cfg)
	if err := benchmark.WriteTargets(stdout, targets); err != nil {
		fmt.Fprintf(stderr, "benchmark: writing the targets: %v\n", err)
		return 2
	}
	if !benchmark.TargetsMet(targets) {
		log.Warn("Some performance targets were missed")
		return 1
	}
	log.Info("All benchmarks completed successfully")
	return 0
}
