package benchmark

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/perfgate/perfgate/benchmark/torlab"
	"github.com/perfgate/perfgate/results"
)

// RunOptions configure Run.
type RunOptions struct {
	// Runs is the number of runs, each on a fresh network (0 means 1).
	Runs int
	// Quick marks the results as made with a quick configuration.
	Quick bool
	// Config is the suite's configuration (zero fields take the defaults).
	Config Config
	// Categories selects benchmarks (zero value: all).
	Categories Categories
	// Timeout bounds one run, network start included (0 means 10 minutes).
	Timeout time.Duration
	// ClientCommand is the client under test's command template ("" means
	// the system's tor); see package torlab.
	ClientCommand string
	// Log receives the suite's structured log (nil: nowhere).
	Log *slog.Logger
	// NetworkLog receives torlab's progress lines (nil: nowhere).
	NetworkLog io.Writer
	// Progress reports phases (nil: nothing).
	Progress *Progress
	// Output is where the suites' PrintSummary writes (nil: io.Discard).
	Output io.Writer
	// Getenv reads the environment for the fingerprint (nil: os.Getenv).
	Getenv func(string) string
	// AfterRun is called after each run with its suite (still connected).
	AfterRun func(run int, s *Suite)
	// Loopback is the loopback mode of the runs' networks (zero value:
	// the best this process can have, chosen once for all runs; see
	// torlab.LoopbackMode); ShimPath the quick-ACK shim for the shim mode
	// ("": torlab.FindShim).
	Loopback torlab.LoopbackMode
	ShimPath string
	// Start starts a network; nil means torlab.Start.
	Start func(ctx context.Context, opts torlab.Options) (*torlab.Network, error)
	// FirstIndex numbers the runs from FirstIndex (results.Run.Index and
	// the progress lines): more runs of the same results, e.g. adaptive
	// repetition's extra runs.
	FirstIndex int

	// BaselineClientCommand is the command template of the baseline
	// client, side A of RunAB and StartAB ("" means the system's tor);
	// ClientCommand is then side B's, the client under test.
	BaselineClientCommand string
	// Order is the interleaving of RunAB's runs (zero value: Balanced).
	Order Order
	// WrapEndpoints, when set, is called before each run's suite with the
	// run's label ("" in Run, "A" or "B" in RunAB) and the client's
	// endpoints; the suite then uses the endpoints it returns, and undo
	// is called after the suite. The evaluation puts its injectors (a
	// delaying relay) in front of a client this way.
	WrapEndpoints func(label string, ep Endpoints) (wrapped Endpoints, undo func(), err error)
}

// ErrRun marks a run that failed as a whole: the network did not start,
// the client or a relay died, or the run's time bound passed.
var ErrRun = errors.New("benchmark run failed")

// Run runs the suite opts.Runs times, each on its own fresh private
// network, and returns every run's results. When a run fails (see ErrRun)
// it records the error in that run, tears the network down, runs no
// further runs and returns the results so far with an error wrapping
// ErrRun. Benchmarks whose operations failed are not errors of Run: their
// failures are in the results.
func Run(ctx context.Context, opts RunOptions) (*results.Results, error) {
	if opts.Runs <= 0 {
		opts.Runs = 1
	}
	opts, err := opts.withDefaults()
	cfg := opts.Config.withDefaults()
	res := newResults(opts, cfg, opts.Runs)
	if err != nil {
		return res, fmt.Errorf("%w: %w", ErrRun, err)
	}
	for i := 0; i < opts.Runs; i++ {
		opts.Progress.SetPrefix(runPrefix(opts.FirstIndex+i, opts))
		run, s, err := runOnce(ctx, opts.FirstIndex+i, cfg, opts)
		if s != nil && res.Environment.ClientVersion == "" {
			res.Environment.ClientVersion = ParseTorVersion(s.ClientVersion())
		}
		res.Runs = append(res.Runs, run)
		if err != nil {
			opts.Progress.SetPrefix("")
			return res, fmt.Errorf("%w: run %d of %d: %w", ErrRun, opts.FirstIndex+i+1, opts.FirstIndex+opts.Runs, err)
		}
	}
	opts.Progress.SetPrefix("")
	return res, nil
}

// runOnce is one run: a fresh network, the suite, the teardown.
func runOnce(ctx context.Context, index int, cfg Config, opts RunOptions) (results.Run, *Suite, error) {
	run := results.Run{Index: index, StartedAt: time.Now().UTC()}
	begin := time.Now()
	ctx, cancel := context.WithTimeoutCause(ctx, opts.Timeout,
		fmt.Errorf("run timed out after %v", opts.Timeout))
	defer cancel()

	ph := opts.Progress.Start("network")
	net, err := startNetwork(ctx, opts, opts.networkOptions(networkLog(opts, ph)))
	if err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (%w)", context.Cause(ctx), err)
		}
		err = fmt.Errorf("starting the network: %w", err)
		ph.Done("ERROR: %s", firstLine(err))
		run.Error = err.Error()
		run.WallS = time.Since(begin).Seconds()
		return run, nil, err
	}
	defer net.Close()
	run.NetworkStartS = net.StartupDuration().Seconds()
	c := net.Client()
	ph.Done("up: 9 tor processes, client %s pid %d", c.Version(), c.PID())

	ep := ClientEndpoints(net, c)
	// The streams' destination runs in a process of its own, so that this
	// process's CPU time is the harness's alone.
	if echo, eerr := StartEchoServer(ctx, net.Loopback()); eerr != nil {
		opts.Progress.Println("warning: %v; using the network's echo server in this process (its CPU time counts as the harness's)", eerr)
	} else {
		defer echo.Close()
		ep.EchoAddr, ep.EchoPID = echo.Addr, echo.PID
	}
	s, err := measure(ctx, index, cfg, opts, net, ep, &run)
	if cerr := net.Close(); cerr != nil && err == nil {
		opts.Progress.Println("warning: closing the network: %v", cerr)
	}
	run.WallS = time.Since(begin).Seconds()
	opts.Progress.Println("%sdone in %.1fs (network %.1fs); CPU: client %.2fs, harness %.2fs, echo server %.2fs",
		runPrefix(index, opts), run.WallS, run.NetworkStartS, run.ClientCPUS, run.HarnessCPUS, run.EchoCPUS)
	return run, s, err
}

// measure runs the suite once against the client at ep, on net, and fills
// run's benchmarks, CPU figures and error. The suite is closed when it
// returns (its results stay readable); AfterRun sees it still connected.
func measure(ctx context.Context, index int, cfg Config, opts RunOptions, net *torlab.Network, ep Endpoints, run *results.Run) (*Suite, error) {
	if opts.WrapEndpoints != nil {
		wrapped, undo, err := opts.WrapEndpoints(run.Label, ep)
		if err != nil {
			run.Error = err.Error()
			return nil, err
		}
		defer undo()
		ep = wrapped
	}
	out := opts.Output
	if out == nil {
		out = io.Discard
	}
	s := NewSuite(opts.Log, WithEndpoints(ep), WithConfig(cfg), WithProgress(opts.Progress),
		WithFaults(net.Faults()), WithOutput(out))
	defer s.Close()

	cpu0 := s.cpuNow()
	err := s.Run(ctx, opts.Categories)
	cpu1 := s.cpuNow()
	if cpu0.client >= 0 && cpu1.client >= 0 {
		run.ClientCPUS = (cpu1.client - cpu0.client).Seconds()
	}
	if cpu0.echo >= 0 && cpu1.echo >= 0 {
		run.EchoCPUS = (cpu1.echo - cpu0.echo).Seconds()
	}
	run.HarnessCPUS = (cpu1.harness - cpu0.harness).Seconds()
	for _, r := range s.Results() {
		run.Benchmarks = append(run.Benchmarks, r.Benchmark())
	}
	if err == nil {
		if nerr := net.Err(); nerr != nil {
			err = fmt.Errorf("network fault: %w", nerr)
		}
	}
	if err != nil {
		run.Error = err.Error()
	}
	if opts.AfterRun != nil {
		opts.AfterRun(index, s)
	}
	return s, err
}

// runPrefix is the progress prefix of run index (from 0), e.g. "run 2/3: ".
func runPrefix(index int, opts RunOptions) string {
	return fmt.Sprintf("run %d/%d: ", index+1, opts.FirstIndex+opts.Runs)
}

// phaseWriter shows torlab's progress lines as a phase's live state.
type phaseWriter struct{ ph *Phase }

func (w phaseWriter) Write(p []byte) (int, error) {
	if line := strings.TrimSpace(string(p)); line != "" {
		if i := strings.LastIndexByte(line, '\n'); i >= 0 {
			line = line[i+1:]
		}
		w.ph.Update("%s", line)
	}
	return len(p), nil
}

// withDefaults fills the zero fields of o that Run and StartAB share, and
// chooses the runs' loopback once (an explicit mode that cannot be had is
// an error), so that every run's network, the suite's loopback-dependent
// defaults and the results' environment agree.
func (o RunOptions) withDefaults() (RunOptions, error) {
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Minute
	}
	if o.Categories == (Categories{}) {
		o.Categories = AllCategories
	}
	if o.Start == nil {
		o.Start = torlab.Start
	}
	choice, err := torlab.ChooseLoopback(o.Loopback, o.ShimPath)
	if err != nil {
		return o, err
	}
	o.Loopback, o.ShimPath = choice.Mode, choice.ShimPath
	o.Progress.Println("network: %s", choice)
	o.Config = o.Config.ForLoopback(string(choice.Mode))
	return o, nil
}

// networkOptions are the torlab options of one of o's networks.
func (o RunOptions) networkOptions(log io.Writer) torlab.Options {
	return torlab.Options{ClientCommand: o.ClientCommand, Log: log, Loopback: o.Loopback, ShimPath: o.ShimPath}
}

// newResults is an empty results file for runs of opts' client under cfg.
func newResults(opts RunOptions, cfg Config, runs int) *results.Results {
	env := Environment(opts.Getenv)
	env.ClientCommand = opts.ClientCommand
	env.ClientName = clientName(opts.ClientCommand)
	env.Loopback = string(opts.Loopback)
	env.NetworkSettings = torlab.RelaySettings()
	return &results.Results{
		Schema:      results.SchemaResultsV1,
		Suite:       results.SuiteName,
		Source:      "perfgate",
		CreatedAt:   time.Now().UTC(),
		Environment: env,
		Settings:    cfg.Settings(runs, opts.Quick, opts.Timeout),
	}
}

// networkLog is where torlab's progress lines go: the network phase's
// live line, and opts.NetworkLog when set.
func networkLog(opts RunOptions, ph *Phase) io.Writer {
	var w io.Writer = phaseWriter{ph}
	if opts.NetworkLog != nil {
		w = io.MultiWriter(opts.NetworkLog, w)
	}
	return w
}

// startNetwork starts a private network, once more when another program
// took a port between torlab choosing it and tor binding it (other
// networks run on shared machines).
func startNetwork(ctx context.Context, opts RunOptions, topts torlab.Options) (*torlab.Network, error) {
	net, err := opts.Start(ctx, topts)
	if err != nil && ctx.Err() == nil && strings.Contains(err.Error(), "Address already in use") {
		opts.Progress.Println("network: a port was taken while starting; starting a new network")
		net, err = opts.Start(ctx, topts)
	}
	return net, err
}
